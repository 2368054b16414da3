// @ts-check
// An opt-in service worker for hosts that cannot send headers (GitHub
// Pages, most static docs hosts). A page is cross-origin isolated, and so
// gets SharedArrayBuffer and poolscope's shared-memory mode, only when its
// own response says COOP `same-origin` and COEP `require-corp` (or
// `credentialless`). A service worker may answer a navigation with a
// response of its own making, so this one re-serves what the host sent
// with those headers added. www/isolation.js registers it;
// docs/isolation.md says when to use it, its limits and how to remove it.
//
// `?coep=credentialless` on this script's URL (isolation.js passes its own
// on) asks for COEP `credentialless`: other origins' images and the like
// then load without credentials instead of needing a CORP header. Chromium
// and Firefox honour it; Safari does not isolate with it.

const worker = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const COEP = new URL(self.location.href).searchParams.get('coep') === 'credentialless' ? 'credentialless' : 'require-corp';

// Take over at once, the page that registered us included: isolation.js
// then reloads it once, and that load comes through here.
worker.addEventListener('install', () => worker.skipWaiting());
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()));

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  // Not calling respondWith leaves a request to the browser, as if there
  // were no service worker. Left alone:
  // - anything but GET: nothing there to isolate, and a body re-sent from
  //   here could only go wrong;
  // - other origins: their responses are theirs (opaque ones can't be
  //   changed anyway), the browser applies COEP to them itself (which also
  //   keeps `credentialless` working), and a CSP on this script
  //   (serve.py's is `default-src 'self'`) would refuse them from here;
  // - `only-if-cached` outside same-origin mode (DevTools sends these):
  //   fetch() throws on them (crbug.com/823392).
  if (request.method !== 'GET') return;
  if (new URL(request.url).origin !== self.location.origin) return;
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(withIsolation(request));
});

async function withIsolation(request) {
  // A failed fetch rejects, and the page sees the network error it would
  // have seen without us.
  const response = await fetch(request);
  // Only plain same-origin responses are rebuilt: redirects (navigations
  // get them unfollowed, as `opaqueredirect`) go back as they are, for the
  // browser to follow into a new request that comes here again; and a
  // rebuilt response would lose the URL that a redirected script resolves
  // its imports against.
  if (response.type !== 'basic' || response.redirected) return response;
  try {
    const headers = new Headers(response.headers);
    headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    headers.set('Cross-Origin-Embedder-Policy', COEP);
    // Lets an isolated page on another origin frame our pages (embed.html),
    // as a host without headers would; a CORP the host sent stays.
    if (!headers.has('Cross-Origin-Resource-Policy')) headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  } catch {
    return response; // never worse than no service worker
  }
}
