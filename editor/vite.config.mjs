// Bundles the code panel's editor (entry.js, CodeMirror 6 from npm) into
// one ES module in the served tree: www/lib/editor/codemirror.js.
// Run by scripts/build.sh; the file is built, not committed.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

/**
 * The playground runs under a strict Content-Security-Policy (no inline
 * styles, images from the site only). Three spots of CodeMirror break it:
 * the content's `style="tab-size: 4"` attribute, the crosshair cursor's
 * `style` attribute, and the lint marks' `data:` SVG images. Each is
 * replaced here by a class or nothing, and entry.js's theme draws them with
 * CSS (constructed stylesheets, which the policy allows). A replacement
 * that no longer finds its text fails the build, rather than ship a
 * violation: see what the new CodeMirror does there.
 */
const STRICT_CSP_EDITS = [
  ['@codemirror/view', 'style: `${browser.tabSize}: ${this.state.tabSize}`,', ''],
  ['@codemirror/view', 'const showCrosshair = { style: "cursor: crosshair" };', 'const showCrosshair = { class: "cm-crosshair" };'],
  ['@codemirror/lint', 'return `url(\'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" ${attrs}>${encodeURIComponent(content)}</svg>\')`;', 'return "none";'],
];

const strictCsp = {
  name: 'poolscope-strict-csp',
  transform(code, id) {
    let edited = code;
    for (const [pkg, from, to] of STRICT_CSP_EDITS) {
      if (!id.includes(`/node_modules/${pkg}/`)) continue;
      if (!edited.includes(from)) throw new Error(`editor/vite.config.mjs: ${pkg} no longer has ${JSON.stringify(from)}`);
      edited = edited.replace(from, to);
    }
    return edited === code ? null : { code: edited, map: null };
  },
};

export default defineConfig({
  logLevel: 'warn',
  plugins: [strictCsp],
  build: {
    outDir: fileURLToPath(new URL('../www/lib/editor/', import.meta.url)),
    emptyOutDir: true,
    minify: true,
    rolldownOptions: { output: { minify: true } },
    lib: {
      entry: fileURLToPath(new URL('./entry.js', import.meta.url)),
      formats: ['es'],
      fileName: () => 'codemirror.js',
    },
  },
});
