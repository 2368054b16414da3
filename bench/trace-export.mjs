// @ts-check
// How long `pool.exportTrace()` takes for 100,000 jobs (issue: under a
// second), in headless Chromium, shared memory, 2 workers: 100,000 `noop`
// jobs labelled in batches, then the export (a string from the crate's
// exporter, src/core/trace_export.rs) and its `JSON.parse`, with and
// without flows. The trace keeps 131,072 events here (`traceCapacity`),
// so every job is in it. REPEATS runs (default 5); medians.
//
//   node bench/trace-export.mjs        (after ./scripts/build.sh)
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { median } from './median.mjs';

const REPEATS = Number(process.env.REPEATS ?? 5);
const JOBS = 100_000;
const server = await startServer();
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(`${server.origin}/jobs.html`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
  /** @type {Record<string, number[]>} */
  const times = { export: [], parse: [], exportWithFlows: [], bytes: [] };
  for (let run = 0; run < REPEATS; run++) {
    const seen = await page.evaluate(async (jobs) => {
      const api = await /** @type {any} */ (window).poolscopeJobsDemo.loadPoolscope('shared');
      const pool = new api.Pool(2, { traceCapacity: 131_072 });
      await pool.ready();
      pool.submit('noop', jobs, 0);
      await pool.done();
      let started = performance.now();
      const json = pool.exportTrace();
      const exportMs = performance.now() - started;
      started = performance.now();
      const slices = JSON.parse(json).traceEvents.filter((/** @type {any} */ event) => event.ph === 'X').length;
      const parseMs = performance.now() - started;
      started = performance.now();
      pool.exportTrace(true);
      const withFlowsMs = performance.now() - started;
      pool.free();
      return { exportMs, parseMs, withFlowsMs, slices, bytes: json.length };
    }, JOBS);
    if (seen.slices !== JOBS) throw new Error(`${seen.slices} slices for ${JOBS} jobs`);
    times.export.push(seen.exportMs);
    times.parse.push(seen.parseMs);
    times.exportWithFlows.push(seen.withFlowsMs);
    times.bytes.push(seen.bytes);
  }
  console.log(`exportTrace() of ${JOBS.toLocaleString('en-US')} jobs: ${median(times.export).toFixed(0)} ms ` +
    `(${(median(times.bytes) / 1e6).toFixed(1)} MB of JSON; JSON.parse ${median(times.parse).toFixed(0)} ms; ` +
    `with flows ${median(times.exportWithFlows).toFixed(0)} ms), median of ${REPEATS}`);
} finally {
  await browser.close();
  server.stop();
}
