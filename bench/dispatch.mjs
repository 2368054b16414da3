// @ts-check
// Dispatch overhead: 200,000 empty jobs at 1, 2 and 4 workers, in one
// headless Chromium session: poolscope's shared-memory pool, its
// message-passing fallback, and the npm package workerpool (postMessage per
// task) as the baseline. Median of 5; ratios within the session.
//
//   node bench/dispatch.mjs        (after ./scripts/build.sh)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { median } from './median.mjs';

export const JOBS = 200_000;
const SIZES = [1, 2, 4];
const REPEATS = 5;
const WORKERPOOL = fileURLToPath(new URL('../node_modules/workerpool/dist/workerpool.min.js', import.meta.url));

/// Serves workerpool and its worker scripts beside the page (same origin,
/// with the isolation headers the page's workers need): `noop-worker.js`,
/// and `scripts` (file name -> source) for other benchmarks.
export async function routeWorkerpool(context, scripts = {}) {
  const headers = { 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin', 'Content-Type': 'text/javascript' };
  await context.route('**/bench-vendor/workerpool.min.js', (route) => route.fulfill({ headers, body: readFileSync(WORKERPOOL) }));
  const all = { 'noop-worker.js': "importScripts('./workerpool.min.js'); workerpool.worker({ noop() { return 0; } });", ...scripts };
  for (const [name, body] of Object.entries(all)) {
    await context.route(`**/bench-vendor/${name}`, (route) => route.fulfill({ headers, body }));
  }
}

function measure(page, implementation, workers, jobs) {
  return page.evaluate(async ([implementation, workers, jobs]) => {
    const { loadPoolscope } = await import('/api.js');
    if (implementation === 'workerpool') {
      if (!globalThis.workerpool) {
        await new Promise((resolve, reject) => {
          const script = Object.assign(document.createElement('script'), { src: '/bench-vendor/workerpool.min.js', onload: resolve, onerror: reject });
          document.head.append(script);
        });
      }
      const pool = globalThis.workerpool.pool('/bench-vendor/noop-worker.js', { maxWorkers: workers, minWorkers: workers, workerType: 'web' });
      await Promise.all(Array.from({ length: workers * 4 }, () => pool.exec('noop', []))); // warm: workers started
      const start = performance.now();
      const tasks = new Array(jobs);
      for (let i = 0; i < jobs; i++) tasks[i] = pool.exec('noop', []);
      await Promise.all(tasks);
      const ms = performance.now() - start;
      await pool.terminate();
      return ms;
    }
    const api = await loadPoolscope(implementation);
    const pool = new api.Pool(workers);
    await pool.ready();
    pool.submitCosts('noop', new Float64Array(workers * 4)); // warm, as for workerpool
    await pool.done();
    const start = performance.now();
    pool.submitCosts('noop', new Float64Array(jobs));
    await pool.done();
    const ms = performance.now() - start;
    if (/** @type {{ completed: number }} */ (pool.counters()).completed !== jobs + workers * 4) throw new Error('lost jobs');
    pool.free();
    return ms;
  }, [implementation, workers, jobs]);
}

export async function benchDispatch(context, origin, log = console.log) {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  const results = [];
  for (const workers of SIZES) {
    const row = { workers };
    for (const implementation of ['shared', 'fallback', 'workerpool']) {
      const times = [];
      for (let i = 0; i < REPEATS; i++) times.push(await measure(page, implementation, workers, JOBS));
      const ms = median(times);
      row[implementation] = { ms, jobsPerSecond: JOBS / (ms / 1000), microsPerJob: (ms * 1000) / JOBS };
      log(`dispatch: ${implementation} x${workers}: ${Math.round(JOBS / (ms / 1000))} jobs/s`);
    }
    row.sharedVsWorkerpool = row.workerpool.ms / row.shared.ms;
    row.sharedVsFallback = row.fallback.ms / row.shared.ms;
    results.push(row);
  }
  await page.close();
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startServer();
  const browser = await launchChromium();
  await routeWorkerpool(browser.context);
  try {
    const results = await benchDispatch(browser.context, server.origin);
    console.table(results.map((r) => ({
      workers: r.workers,
      'shared jobs/s': Math.round(r.shared.jobsPerSecond), 'shared µs/job': r.shared.microsPerJob.toFixed(3),
      'fallback jobs/s': Math.round(r.fallback.jobsPerSecond), 'fallback µs/job': r.fallback.microsPerJob.toFixed(2),
      'workerpool jobs/s': Math.round(r.workerpool.jobsPerSecond),
      'shared / workerpool': `${r.sharedVsWorkerpool.toFixed(0)}×`, 'shared / fallback': `${r.sharedVsFallback.toFixed(0)}×`,
    })));
    writeFileSync(fileURLToPath(new URL('./dispatch-results.json', import.meta.url)), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await browser.close();
    server.stop();
  }
}
