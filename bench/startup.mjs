// Time until a pool is ready (every worker runs its loop), in headless
// Chromium: the first pool on a fresh page (which also measures the cpu
// job calibration), a second pool on the same page, and, as the baseline
// in the same browser, wasm-bindgen-rayon's initThreadPool of the same size
// on a fresh page. Median of 7 each.
//
//   node bench/startup.mjs        (after ./scripts/build.sh)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { median } from './median.mjs';

const SIZES = [1, 2, 4, 8];
const REPEATS = 7;

const server = await startServer({ blobWorkers: true }); // initThreadPool's workers are blob: URLs
const browser = await launchChromium();
const results = [];
try {
  for (const size of SIZES) {
    const first = [];
    const second = [];
    const rayon = [];
    for (let i = 0; i < REPEATS; i++) {
      const page = await browser.context.newPage();
      await page.goto(`${server.origin}/`);
      const ours = await page.evaluate(async (n) => {
        const { loadPoolscope } = await import('/poolscope.js');
        const api = await loadPoolscope();
        const time = async () => {
          const start = performance.now();
          const pool = new api.Pool(n);
          await pool.ready();
          const ms = performance.now() - start;
          pool.free();
          return ms;
        };
        return [await time(), await time()];
      }, size);
      first.push(ours[0]);
      second.push(ours[1]);
      await page.goto(`${server.origin}/`);
      rayon.push(await page.evaluate(async (n) => {
        const { loadPoolscope } = await import('/poolscope.js');
        const api = await loadPoolscope();
        const start = performance.now();
        await api.initThreadPool(n);
        return performance.now() - start;
      }, size));
      await page.close();
    }
    results.push({ size, firstPoolMs: median(first), nextPoolMs: median(second), rayonInitMs: median(rayon) });
  }
} finally {
  await browser.close();
  server.stop();
}
console.log(`pool ready, ms, median of ${REPEATS}, Chromium headless`);
console.table(results.map((r) => ({
  workers: r.size,
  'first pool': r.firstPoolMs.toFixed(1),
  'next pool': r.nextPoolMs.toFixed(1),
  'rayon initThreadPool': r.rayonInitMs.toFixed(1),
  'next / rayon': (r.nextPoolMs / r.rayonInitMs).toFixed(2),
})));
writeFileSync(fileURLToPath(new URL('./startup-results.json', import.meta.url)), `${JSON.stringify(results, null, 2)}\n`);
