#!/usr/bin/env python3
"""Serves www/ with the headers shared-memory threads need.

www/ holds the pages and demos, www/lib/ the library that ships (the
drop-in folder dist/poolscope/ is its copy). The library is served at the
site's root, beside the pages, as a docs site serves the drop-in folder
beside its own: /poolscope.js is www/lib/poolscope.js, /index.html is
www/index.html. A name in both would be ambiguous: the server refuses to
start then.

SharedArrayBuffer exists only on cross-origin isolated pages, which takes
COOP `same-origin` and COEP `require-corp`; `.wasm` must be application/wasm
for streaming compilation. PORT overrides the port (default 8080).

Every page also gets the strict Content-Security-Policy that poolscope is
built to run under (no inline script or style, no eval, no blob: workers);
POOLSCOPE_ISOLATION=0 leaves out COOP/COEP, as most docs hosts do.
poolscope's worker scripts (WORKER_SCRIPTS) get the same policy with
`blob:` added to script-src, and nothing more: a worker's policy comes
from its own script's response, and code typed into the playground runs
as a module the page makes (a blob: URL) that only workers import; the
pages themselves never allow blob: scripts.
The book (/book/, built by mdBook into www/book/) is a docs site like any
other: mdBook's pages use inline scripts and styles, so they get the policy
a docs host would give them (DOCS_CSP: inline allowed, still nothing from
other origins), and the element they embed runs under it.
POOLSCOPE_POLICY=docs gives every page that policy (the tests' sites made
by docs frameworks).
POOLSCOPE_BLOB_WORKERS=1 adds `blob:` to worker-src: wasm-bindgen-rayon's
initThreadPool starts its workers from a blob: URL (the benchmarks use it
as a baseline; poolscope itself does not). POOLSCOPE_ROOT serves another
folder than www/ (the tests' docs site with dist/poolscope/ under a sub-path).
"""
import functools
import http.server
import os
import sys

CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'"
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; img-src 'self' data:; font-src 'self' data:"
WORKER_CSP = CSP.replace("script-src 'self' 'wasm-unsafe-eval'", "script-src 'self' 'wasm-unsafe-eval' blob:")
# The scripts poolscope's Web Workers start from: their policy is their workers'.
WORKER_SCRIPTS = ("/src/web/worker_host.js", "/src/web/remote_host.js", "/js-jobs/runner.js")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "www")
LIBRARY = os.path.join(ROOT, "lib")


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".svg": "image/svg+xml",
    }

    def __init__(self, *args, library=None, **kwargs):
        self.library = library
        super().__init__(*args, **kwargs)

    def translate_path(self, path):
        """A path not among the pages is the library's (see the module's doc)."""
        local = super().translate_path(path)
        if self.library and not os.path.exists(local):
            served = os.path.relpath(local, self.directory)
            if not served.startswith(".."):
                return os.path.join(self.library, served)
        return local

    def end_headers(self):
        if os.environ.get("POOLSCOPE_ISOLATION", "1") != "0":
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        path = self.path.split("?")[0]
        docs_site = os.environ.get("POOLSCOPE_POLICY") == "docs" or path.startswith("/book/") or path == "/book"
        policy = WORKER_CSP if path.endswith(WORKER_SCRIPTS) else DOCS_CSP if docs_site else CSP
        if os.environ.get("POOLSCOPE_BLOB_WORKERS") == "1":
            policy = policy.replace("worker-src 'self'", "worker-src 'self' blob:")
        self.send_header("Content-Security-Policy", policy)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):
        if os.environ.get("POOLSCOPE_QUIET") != "1":
            super().log_message(format, *args)


def main():
    port = int(os.environ.get("PORT", "8080"))
    host = os.environ.get("HOST", "127.0.0.1")
    root = os.path.normpath(os.environ.get("POOLSCOPE_ROOT") or ROOT)
    library = None
    if not os.environ.get("POOLSCOPE_ROOT"):
        library = os.path.normpath(LIBRARY)
        both = (set(os.listdir(root)) & set(os.listdir(library))) - {"lib"}
        if both:
            print(f"poolscope: {', '.join(sorted(both))} in both www/ and www/lib/: which one to serve?", file=sys.stderr)
            return 1
    handler = functools.partial(Handler, directory=root, library=library)
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        port = server.server_address[1]  # PORT=0 picks a free one
        print(f"poolscope: serving {os.path.relpath(root)} on http://{host}:{port}/ (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
