// Part 5: the sizes of what a page downloads, raw and gzipped, and the pool
// wasm after `wasm-opt -O3` from npm's binaryen (Debian's breaks threaded
// modules). The optimised module is then run in the same browser session
// as the one built: every job's value checked, and dispatch timed for both.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const REPEATS = 5;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const FEATURES = ['--enable-threads', '--enable-bulk-memory', '--enable-mutable-globals', '--enable-sign-ext',
  '--enable-nontrapping-float-to-int', '--enable-reference-types', '--enable-multivalue'];

/// Runs `cpu` jobs and checks each value against the main thread's, then
/// times 200,000 empty jobs on 2 workers; all in `page`.
function runPool(page) {
  return page.evaluate(async (repeats) => {
    const { loadPoolscope } = await import('/api.js');
    const api = await loadPoolscope('shared');
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
      if (events[at + OUTCOME] !== 0 || events[at + VALUE] !== api.cpuChecksum(job, costs[job - first])) {
        throw new Error(`job ${job} returned ${events[at + VALUE]}, expected ${api.cpuChecksum(job, costs[job - first])}`);
      }
      checked++;
    }
    if (checked !== costs.length) throw new Error(`${checked} events for ${costs.length} jobs`);
    const times = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      pool.submitCosts('noop', new Float64Array(200_000));
      await pool.done();
      times.push(performance.now() - start);
    }
    pool.free();
    return { checked, times };
  }, REPEATS);
}

export async function benchSize(context, origin, root, log = console.log) {
  const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
  const files = {
    'pool wasm': 'www/pkg/poolscope_bg.wasm', 'pool js': 'www/pkg/poolscope.js',
    'fallback wasm': 'www/pkg-fallback/poolscope_fallback_bg.wasm', 'fallback js': 'www/pkg-fallback/poolscope_fallback.js',
  };
  const sizes = Object.entries(files).map(([name, path]) => ({ name, bytes: statSync(join(root, path)).size, gzipBytes: gz(join(root, path)) }));
  const optimized = join(mkdtempSync(join(tmpdir(), 'poolscope-opt-')), 'poolscope_bg.wasm');
  execFileSync(join(root, 'node_modules/.bin/wasm-opt'), ['-O3', ...FEATURES, join(root, files['pool wasm']), '-o', optimized]);
  sizes.push({ name: 'pool wasm, wasm-opt -O3', bytes: statSync(optimized).size, gzipBytes: gz(optimized) });

  const run = {};
  for (const variant of ['built', 'optimized']) {
    const page = await context.newPage();
    if (variant === 'optimized') {
      // The main thread fetches and compiles the module; workers get it by postMessage.
      await page.route('**/pkg/poolscope_bg.wasm', (route) => route.fulfill({
        headers: { 'Content-Type': 'application/wasm', 'Cross-Origin-Resource-Policy': 'same-origin' },
        body: readFileSync(optimized),
      }));
    }
    await page.goto(`${origin}/`);
    const { checked, times } = await runPool(page);
    run[variant] = { jobsChecked: checked, dispatchMs: median(times) };
    log(`size: ${variant} module: ${checked} job values right, 200,000 empty jobs in ${median(times).toFixed(1)} ms`);
    await page.close();
  }
  return { sizes, wasmOpt: { ...run, optimizedVsBuiltTime: run.optimized.dispatchMs / run.built.dispatchMs } };
}
