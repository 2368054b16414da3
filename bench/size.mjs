// @ts-check
// Part 5: the sizes of what a page downloads, raw and gzipped. The wasm
// modules ship through `wasm-opt -O3` (scripts/build.sh); the module before
// it (kept in target/wasm-opt) is run beside the shipped one in the same
// browser session: every job's value checked, dispatch timed for both.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { median } from './median.mjs';

const REPEATS = 5;

/// Starts a pool of 2 in `page`, runs `cpu` jobs on it and checks each
/// value against the main thread's; returns how many were checked.
function startPool(page) {
  return page.evaluate(async () => {
    const { loadPoolscope } = await import('/api.js');
    const api = await loadPoolscope('shared');
    const COMPLETED = api.outcomes().indexOf('completed');
    const fields = api.eventFields();
    const [JOB, VALUE, OUTCOME] = ['job', 'value', 'outcome'].map((name) => fields.indexOf(name));
    const pool = new api.Pool(2);
    await pool.ready();
    const costs = Float64Array.from({ length: 500 }, (_, i) => (i % 5) * 0.02);
    const first = pool.submitCosts('cpu', costs);
    await pool.done();
    const events = pool.takeEvents();
    let checked = 0;
    for (let at = 0; at < events.length; at += fields.length) {
      const job = events[at + JOB];
      const expected = api.cpuChecksum(job, costs[job - first]);
      if (events[at + OUTCOME] !== COMPLETED || events[at + VALUE] !== expected) throw new Error(`job ${job} returned ${events[at + VALUE]}, expected ${expected}`);
      checked++;
    }
    if (checked !== costs.length) throw new Error(`${checked} events for ${costs.length} jobs`);
    globalThis.benchPool = pool;
    return checked;
  });
}

/// 200,000 empty jobs on the pool `startPool` made: ms.
function dispatchOnce(page) {
  return page.evaluate(async () => {
    const start = performance.now();
    globalThis.benchPool.submitCosts('noop', new Float64Array(200_000));
    await globalThis.benchPool.done();
    return performance.now() - start;
  });
}

export async function benchSize(context, origin, root, log = console.log) {
  const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
  const files = {
    'pool wasm (shipped, after wasm-opt -O3)': 'www/lib/pkg/poolscope_bg.wasm', 'pool wasm before wasm-opt': 'target/wasm-opt/poolscope_bg.wasm.in',
    'pool js': 'www/lib/pkg/poolscope.js',
    // The crate with its opt-in `rayon` feature: what the pool's module would weigh with rayon in it.
    'rayon strategy wasm (feature rayon, loaded only by rayon runs)': 'www/lib/rayon-pkg/poolscope_rayon_bg.wasm',
    // A crate of its own on the pool (examples/tiles: its closures, the Mandelbrot and primes kernels).
    'a dependent: examples/tiles wasm (shipped)': 'www/lib/tiles-pkg/poolscope_example_tiles_bg.wasm',
    'fallback wasm (shipped, after wasm-opt -O3)': 'www/lib/pkg-fallback/poolscope_fallback_bg.wasm', 'fallback wasm before wasm-opt': 'target/wasm-opt/poolscope_fallback_bg.wasm.in',
    'fallback js': 'www/lib/pkg-fallback/poolscope_fallback.js',
    // CodeMirror 6 and the JS language, bundled (editor/): loaded only where a code panel shows (work=code).
    'code panel editor js (loaded only with work=code)': 'www/lib/editor/codemirror.js',
  };
  const sizes = Object.entries(files).map(([name, path]) => ({ name, bytes: statSync(join(root, path)).size, gzipBytes: gz(join(root, path)) }));

  // Both modules loaded side by side, timed in turns (whichever goes first
  // in a session runs slower, so each goes first in every other round).
  const pages = {};
  const run = {};
  for (const variant of ['shipped', 'unoptimized']) {
    const page = await context.newPage();
    if (variant === 'unoptimized') {
      // The main thread fetches and compiles the module; workers get it by postMessage.
      await page.route('**/pkg/poolscope_bg.wasm', (route) => route.fulfill({
        headers: { 'Content-Type': 'application/wasm', 'Cross-Origin-Resource-Policy': 'same-origin' },
        body: readFileSync(join(root, 'target/wasm-opt/poolscope_bg.wasm.in')),
      }));
    }
    await page.goto(`${origin}/`);
    pages[variant] = page;
    run[variant] = { jobsChecked: await startPool(page), times: [] };
  }
  // 6 rounds of 200,000: well within a pool's lifetime limit of 2,000,000 jobs.
  for (let round = 0; round < REPEATS + 1; round++) {
    const order = round % 2 === 0 ? ['shipped', 'unoptimized'] : ['unoptimized', 'shipped'];
    for (const variant of order) run[variant].times.push(await dispatchOnce(pages[variant]));
  }
  for (const [variant, page] of Object.entries(pages)) {
    run[variant] = { jobsChecked: run[variant].jobsChecked, dispatchMs: median(run[variant].times) };
    log(`size: ${variant} module: ${run[variant].jobsChecked} job values right, 200,000 empty jobs in ${run[variant].dispatchMs.toFixed(1)} ms`);
    await page.close();
  }
  return { sizes, wasmOpt: { ...run, shippedVsUnoptimizedTime: run.shipped.dispatchMs / run.unoptimized.dispatchMs } };
}
