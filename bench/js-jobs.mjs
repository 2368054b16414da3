// @ts-check
// JS jobs (pool.run / pool.map) against the npm package workerpool
// (`exec`, a postMessage each way per task), in one headless Chromium
// session, median of 5 (REPEATS=n to change), ratios within the session:
//
// 1. the article's job without its sleep (`n => n * 2`), batches of
//    20,000 and 100,000 at 1, 2 and 4 workers, every result awaited on the
//    page: poolscope shared memory (`pool.map('double', items)`: chunk
//    jobs of up to 1,024 items, `chunk: 'auto'`), its message-passing mode
//    (the same call), poolscope shared memory with a job per item
//    (`chunk: 1`), workerpool (`exec('double', [n])` per item,
//    `Promise.all`: it has no batch call). The same function body and the
//    same values, in input order, on each side; workerpool's rate depends
//    on how many tasks wait in its queue, so each ratio is given with its
//    batch length.
// 2. a 4 MB Float64Array per job, summed, 200 jobs at 2 workers, 16 in
//    flight on each side, each array moved (transferred), not copied:
//    poolscope `pool.run('sum', [array], { transfer })` vs workerpool
//    `exec('sum', [array], { transfer })`. At least 11 rounds, each side
//    once a round in a turning order; the ratio is the median of the
//    rounds' own ratios.
//
//   node bench/js-jobs.mjs        (after ./scripts/build.sh; REPEATS=3 SIZES=2 BATCHES=20000 for a quick look)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { routeWorkerpool } from './dispatch.mjs';
import { median } from './median.mjs';

const BATCHES = process.env.BATCHES ? process.env.BATCHES.split(',').map(Number) : [20_000, 100_000];
const SIZES = process.env.SIZES ? process.env.SIZES.split(',').map(Number) : [1, 2, 4];
const REPEATS = Number(process.env.REPEATS ?? 5);
const ARRAY_JOBS = 200;
const ARRAY_LENGTH = 1 << 19; // 4 MB of f64
const IN_FLIGHT = 16;
/** Rounds of the 4 MB comparison: its sides differ by less than one run's noise, so it takes more than REPEATS. */
const ARRAY_ROUNDS = Math.max(REPEATS, 11);

/// The worker script workerpool runs: the same bodies as www/tasks.js's `double` and `sum`.
const WORKERPOOL_TASKS = `importScripts('./workerpool.min.js');
workerpool.worker({
  double(n) { return n * 2; },
  sum(numbers) { let total = 0; for (const n of numbers) total += n; return total; },
});`;

/**
 * One timed run in the page: ms for the work, after a warm-up.
 * @param {import('playwright-core').Page} page
 * @param {'shared' | 'fallback' | 'sharedPerItem' | 'workerpool'} implementation
 * @param {'double' | 'sum'} work
 * @param {number} workers
 * @param {number} jobs
 */
function measure(page, implementation, work, workers, jobs) {
  return page.evaluate(async ([implementation, work, workers, jobs, arrayLength, inFlight]) => {
    /** @type {(name: string, args: unknown[], transfer?: Transferable[]) => Promise<unknown>} */
    let call;
    /** @type {(items: number[]) => Promise<unknown[]>} */
    let mapAll;
    /** @type {() => unknown} */
    let end;
    if (implementation === 'workerpool') {
      if (!globalThis.workerpool) {
        await new Promise((resolve, reject) => {
          const script = Object.assign(document.createElement('script'), { src: '/bench-vendor/workerpool.min.js', onload: resolve, onerror: reject });
          document.head.append(script);
        });
      }
      const pool = globalThis.workerpool.pool('/bench-vendor/js-jobs-worker.js', { maxWorkers: workers, minWorkers: workers, workerType: 'web' });
      call = (name, args, transfer) => pool.exec(name, args, transfer ? { transfer } : undefined);
      mapAll = (items) => Promise.all(items.map((n) => pool.exec('double', [n])));
      end = () => pool.terminate();
    } else {
      const { loadPoolscope } = await import('/api.js');
      const api = await loadPoolscope(implementation === 'fallback' ? 'fallback' : 'shared');
      const pool = new api.Pool(workers, { module: new URL('/tasks.js', location.href) });
      await pool.ready();
      call = (name, args, transfer) => pool.run(name, args, transfer ? { transfer } : undefined);
      const chunk = implementation === 'sharedPerItem' ? 1 : 'auto';
      mapAll = (items) => pool.map('double', items, { chunk }).results();
      end = () => pool.free();
    }
    await Promise.all(Array.from({ length: workers * 4 }, (_, i) => call('double', [i]))); // warm: workers started, modules loaded
    const start = performance.now();
    if (work === 'double') {
      const values = /** @type {number[]} */ (await mapAll(Array.from({ length: jobs }, (_, i) => i)));
      if (values.length !== jobs || values[jobs - 1] !== (jobs - 1) * 2) throw new Error(`${implementation}: wrong results`);
    } else {
      let next = 0;
      const lane = async () => {
        while (next < jobs) {
          next++;
          const numbers = new Float64Array(arrayLength).fill(1);
          const total = await call('sum', [numbers], [numbers.buffer]);
          if (total !== arrayLength || numbers.byteLength !== 0) throw new Error(`${implementation}: wrong sum, or copied`);
        }
      };
      await Promise.all(Array.from({ length: inFlight }, lane));
    }
    const ms = performance.now() - start;
    await end();
    return ms;
  }, /** @type {const} */ ([implementation, work, workers, jobs, ARRAY_LENGTH, IN_FLIGHT]));
}

/**
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} origin
 */
export async function benchJsJobs(context, origin, log = console.log) {
  const page = await context.newPage();
  await page.goto(`${origin}/jobs.html`);
  const rows = [];
  const implementations = /** @type {const} */ (['shared', 'fallback', 'sharedPerItem', 'workerpool']);
  for (const batch of BATCHES) {
    for (const workers of SIZES) {
      /** @type {Record<string, any>} */
      const row = { work: 'n => n * 2', batch, workers };
      for (const implementation of implementations) {
        const times = [];
        for (let i = 0; i < REPEATS; i++) times.push(await measure(page, implementation, 'double', workers, batch));
        const ms = median(times);
        row[implementation] = { ms, jobsPerSecond: batch / (ms / 1000) };
        log(`js-jobs: ${implementation} x${workers}, batch ${batch}: ${Math.round(batch / (ms / 1000))} jobs/s`);
      }
      row.sharedVsWorkerpool = row.workerpool.ms / row.shared.ms;
      row.fallbackVsWorkerpool = row.workerpool.ms / row.fallback.ms;
      row.sharedPerItemVsWorkerpool = row.workerpool.ms / row.sharedPerItem.ms;
      rows.push(row);
    }
  }
  /** @type {Record<string, any>} */
  const arrays = { work: 'sum a 4 MB Float64Array, transferred', jobs: ARRAY_JOBS, workers: 2, inFlight: IN_FLIGHT };
  // Round by round, each side once a round in a turning order: a machine
  // that slows down or speeds up mid-run weighs on every side alike.
  const sides = /** @type {const} */ (['shared', 'fallback', 'workerpool']);
  /** @type {Record<string, number[]>} */
  const times = { shared: [], fallback: [], workerpool: [] };
  for (let round = 0; round < ARRAY_ROUNDS; round++) {
    for (let turn = 0; turn < sides.length; turn++) {
      const implementation = sides[(round + turn) % sides.length];
      times[implementation].push(await measure(page, implementation, 'sum', 2, ARRAY_JOBS));
    }
  }
  for (const implementation of sides) {
    arrays[implementation] = { ms: median(times[implementation]) };
    log(`js-jobs: ${implementation}, 200 x 4 MB: ${median(times[implementation]).toFixed(0)} ms (${times[implementation].map((ms) => ms.toFixed(0)).join(', ')})`);
  }
  // Each round's own ratio, then their median: the sides of one round ran
  // back to back, so a round compares like with like.
  const pairedRatio = (/** @type {string} */ side) => median(times.workerpool.map((ms, round) => ms / times[side][round]));
  arrays.sharedVsWorkerpool = pairedRatio('shared');
  arrays.fallbackVsWorkerpool = pairedRatio('fallback');
  arrays.rounds = ARRAY_ROUNDS;
  await page.close();
  return { rows, arrays };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startServer();
  const browser = await launchChromium();
  await routeWorkerpool(browser.context, { 'js-jobs-worker.js': WORKERPOOL_TASKS });
  try {
    const results = await benchJsJobs(browser.context, server.origin);
    console.table(results.rows.map((r) => ({
      batch: r.batch, workers: r.workers,
      'shared jobs/s': Math.round(r.shared.jobsPerSecond), 'fallback jobs/s': Math.round(r.fallback.jobsPerSecond),
      'per-item jobs/s': Math.round(r.sharedPerItem.jobsPerSecond), 'workerpool jobs/s': Math.round(r.workerpool.jobsPerSecond),
      'shared / workerpool': `${r.sharedVsWorkerpool.toFixed(1)}×`, 'fallback / workerpool': `${r.fallbackVsWorkerpool.toFixed(2)}×`,
      'per-item / workerpool': `${r.sharedPerItemVsWorkerpool.toFixed(1)}×`,
    })));
    const a = results.arrays;
    console.log(`200 x 4 MB, transferred, 2 workers: shared ${a.shared.ms.toFixed(0)} ms, fallback ${a.fallback.ms.toFixed(0)} ms, ` +
      `workerpool ${a.workerpool.ms.toFixed(0)} ms (medians of ${a.rounds} rounds); workerpool / shared ${a.sharedVsWorkerpool.toFixed(2)}×, ` +
      `workerpool / fallback ${a.fallbackVsWorkerpool.toFixed(2)}× (each the median of the rounds' own ratios)`);
    const date = new Date().toISOString().slice(0, 10);
    writeFileSync(fileURLToPath(new URL('./js-jobs-results.json', import.meta.url)), `${JSON.stringify({ date, ...results }, null, 2)}\n`);
  } finally {
    await browser.close();
    server.stop();
  }
}
