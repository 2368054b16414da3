// @ts-check
// Time until a pool is ready (every worker runs its loop), in headless
// Chromium: the first pool on a fresh page (which also measures the cpu
// job calibration), a second pool on the same page, and, as the baseline
// in the same browser, wasm-bindgen-rayon's initThreadPool of the same size
// on a fresh page; and growing a ready pool by one. Median of 7 each.
//
//   node bench/startup.mjs        (after ./scripts/build.sh)
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { median } from './median.mjs';

const SIZES = [1, 2, 4, 8];
const REPEATS = 7;

/// For each pool size, medians of `repeats` (a fresh page each): the first
/// pool's start-up, the next pool's on the same page, growing that one by
/// one worker, and wasm-bindgen-rayon's `initThreadPool` of the same size
/// on a fresh page (it runs once per page). The server must let `blob:`
/// workers through (initThreadPool's). `bench/all.mjs` uses it too.
export async function measureStartup(context, origin, { sizes = SIZES, repeats = REPEATS, onStep = (/** @type {string} */ _step) => {} } = {}) {
  const results = [];
  for (const size of sizes) {
    const [first, next, grow, rayon] = [[], [], [], []];
    for (let i = 0; i < repeats; i++) {
      onStep(`startup: ${size} #${i}`);
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      const ours = await page.evaluate(async (n) => {
        const { loadPoolscope } = await import('/poolscope.js');
        const api = await loadPoolscope('shared');
        const time = async () => {
          const start = performance.now();
          const pool = new api.Pool(n);
          await pool.ready();
          return /** @type {const} */ ([performance.now() - start, pool]);
        };
        const [firstMs, firstPool] = await time(); // also calibrates cpu jobs: the first pool's cost
        firstPool.free();
        const [nextMs, pool] = await time();
        const start = performance.now();
        await pool.resize(n + 1);
        const growMs = performance.now() - start;
        pool.free();
        return [firstMs, nextMs, growMs];
      }, size);
      first.push(ours[0]);
      next.push(ours[1]);
      grow.push(ours[2]);
      await page.goto(`${origin}/`);
      rayon.push(await page.evaluate(async (n) => {
        const { loadRayon } = await import('/api.js');
        const api = await loadRayon(); // wasm-bindgen-rayon is in the crate's `rayon` build
        const start = performance.now();
        await api.initThreadPool(n);
        return performance.now() - start;
      }, size));
      await page.close();
    }
    results.push({ size, firstPoolMs: median(first), nextPoolMs: median(next), growByOneMs: median(grow), rayonInitMs: median(rayon) });
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startServer({ blobWorkers: true }); // initThreadPool's workers are blob: URLs
  const browser = await launchChromium();
  let results;
  try {
    results = await measureStartup(browser.context, server.origin);
  } finally {
    await browser.close();
    server.stop();
  }
  console.log(`pool ready, ms, median of ${REPEATS}, Chromium headless`);
  console.table(results.map((r) => ({
    workers: r.size,
    'first pool': r.firstPoolMs.toFixed(1),
    'next pool': r.nextPoolMs.toFixed(1),
    'grow by one': r.growByOneMs.toFixed(1),
    'rayon initThreadPool': r.rayonInitMs.toFixed(1),
    'next / rayon': (r.nextPoolMs / r.rayonInitMs).toFixed(2),
  })));
  writeFileSync(fileURLToPath(new URL('./startup-results.json', import.meta.url)), `${JSON.stringify(results, null, 2)}\n`);
}
