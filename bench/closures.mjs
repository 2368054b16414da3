// @ts-check
// Closures that return a value, 200,000 of them, at 1, 2 and 4 workers,
// every result delivered to the page's main thread (summed there), in one
// headless Chromium session per size (wasm-bindgen-rayon's pool can be
// made once per page):
// - poolscope: `pool.map(0..n, work)`, results awaited in input order;
// - rayon on wasm-bindgen-rayon: `(0..n).into_par_iter().map(work).collect()`
//   on `initThreadPool(size)`, the Vec handed back to the page;
// - workerpool: `exec('work', [i])` of a registered function returning the
//   same value, one promise per item.
// The closure (`work` in bench/closures/src/lib.rs) is the same for all.
// Median of 5; ratios within the session.
//
//   node bench/closures.mjs      (builds bench/closures into www/bench-pkg)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { median } from './median.mjs';

const ITEMS = 200_000;
const SIZES = [1, 2, 4];
const REPEATS = 5;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKERPOOL = fileURLToPath(new URL('../node_modules/workerpool/dist/workerpool.min.js', import.meta.url));
// The same arithmetic as `work` in Rust (u32 wrapping multiply, then % 1000).
const WORK_JS = 'function work(i) { return (Math.imul(i, 2654435761) >>> 0) % 1000; }';

export function build() {
  execFileSync('wasm-pack', ['--quiet', 'build', '--release', '--target', 'web', '--out-dir', '../../www/bench-pkg', '--no-pack'], {
    cwd: `${ROOT}/bench/closures`, stdio: 'inherit',
    env: { ...process.env, CARGO_TARGET_DIR: `${ROOT}/target/bench-closures`, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` },
  });
}

async function routeWorkerpool(context) {
  const headers = { 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin', 'Content-Type': 'text/javascript' };
  await context.route('**/bench-vendor/workerpool.min.js', (route) => route.fulfill({ headers, body: readFileSync(WORKERPOOL) }));
  await context.route('**/bench-vendor/work-worker.js', (route) => route.fulfill({ headers,
    body: `importScripts('./workerpool.min.js'); ${WORK_JS} workerpool.worker({ work });` }));
}

async function measureSize(context, origin, size) {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  const result = await page.evaluate(async ([size, items, repeats]) => {
    const bench = await import('/bench-pkg/poolscope_bench_closures.js');
    await bench.default();
    await bench.initThreadPool(size);
    const work = (i) => (Math.imul(i, 2654435761) >>> 0) % 1000; // as WORK_JS (no eval under the page's CSP)
    let expected = 0;
    for (let i = 0; i < items; i++) expected += work(i);
    if (expected !== (() => { let s = 0; for (let i = 0; i < items; i++) s += bench.work(i); return s; })()) throw new Error('JS and Rust work differ');
    const pool = new bench.PoolscopePool(size);
    const host = new bench.PoolscopePool(1);
    await Promise.all([pool.ready(), host.ready()]);
    if (!globalThis.workerpool) {
      await new Promise((resolve, reject) => document.head.append(Object.assign(document.createElement('script'), { src: '/bench-vendor/workerpool.min.js', onload: resolve, onerror: reject })));
    }
    const wp = globalThis.workerpool.pool('/bench-vendor/work-worker.js', { maxWorkers: size, minWorkers: size, workerType: 'web' });
    await Promise.all(Array.from({ length: size * 4 }, (_, i) => wp.exec('work', [i]))); // warm: workers started
    const sides = {
      poolscope: () => bench.poolscopeClosures(pool, items),
      rayon: () => bench.rayonClosures(host, items),
      workerpool: async () => {
        const results = new Array(items);
        for (let i = 0; i < items; i++) results[i] = wp.exec('work', [i]);
        return (await Promise.all(results)).reduce((a, b) => a + b, 0);
      },
    };
    const times = { poolscope: [], rayon: [], workerpool: [] };
    for (let r = 0; r < repeats; r++) {
      for (const [name, run] of Object.entries(sides)) { // in turns
        const start = performance.now();
        const sum = await run();
        times[name].push(performance.now() - start);
        if (sum !== expected) throw new Error(`${name}: sum ${sum}, expected ${expected}`);
      }
    }
    await wp.terminate();
    return times;
  }, [size, ITEMS, REPEATS]);
  await page.close();
  const row = { workers: size, items: ITEMS };
  for (const [name, times] of Object.entries(result)) {
    const ms = median(times);
    row[name] = { ms, perSecond: ITEMS / (ms / 1000) };
  }
  row.poolscopeVsRayon = row.rayon.ms / row.poolscope.ms;
  row.poolscopeVsWorkerpool = row.workerpool.ms / row.poolscope.ms;
  return row;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  build();
  const server = await startServer({ blobWorkers: true }); // initThreadPool's workers are blob: URLs
  const browser = await launchChromium();
  await routeWorkerpool(browser.context);
  try {
    const rows = [];
    for (const size of SIZES) {
      const row = await measureSize(browser.context, server.origin, size);
      rows.push(row);
      console.log(`closures x${size}: poolscope ${Math.round(row.poolscope.perSecond)}/s, rayon ${Math.round(row.rayon.perSecond)}/s, workerpool ${Math.round(row.workerpool.perSecond)}/s`);
    }
    console.table(rows.map((r) => ({
      workers: r.workers,
      'poolscope /s': Math.round(r.poolscope.perSecond), 'rayon /s': Math.round(r.rayon.perSecond), 'workerpool /s': Math.round(r.workerpool.perSecond),
      'poolscope / rayon': r.poolscopeVsRayon.toFixed(2), 'poolscope / workerpool': `${r.poolscopeVsWorkerpool.toFixed(0)}×`,
    })));
    writeFileSync(fileURLToPath(new URL('./closures-results.json', import.meta.url)), `${JSON.stringify(rows, null, 2)}\n`);
  } finally {
    await browser.close();
    server.stop();
  }
}
