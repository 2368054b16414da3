// Bundles the code panel's editor (entry.js, CodeMirror 6 from npm) into
// one ES module in the served tree: www/lib/editor/codemirror.js.
// Run by scripts/build.sh; the file is built, not committed.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  logLevel: 'warn',
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
