// @ts-check
// Chunked maps against rayon in Chromium, at 1, 2 and 4 workers, one page
// per size (wasm-bindgen-rayon's pool can be made once per page):
// - poolscope: `pool.map(0..n, f)` (`Chunking::Auto`), `map_range(0..n, f)`
//   (the items computed, not collected first, as rayon's range), and for
//   comparison `map_chunked(.., Chunking::PerItem, ..)`, a job per item; the
//   values collected in input order on the page (`values().await`);
// - rayon on wasm-bindgen-rayon: `(0..n).into_par_iter().map(f).collect()`
//   on `initThreadPool(size)`, the Vec handed back to the page.
// Both sum the same Vec<u32> on the page: like for like. Workloads:
// 1,000,000 trivial items (`n * n`) and 200,000 items of about 20 µs.
// One warm-up run each (poolscope's first run meets the closure
// unmeasured: later runs size chunks from its cost, as an app's repeated
// maps do), then 5 runs in turns, each after a 20 ms pause (rayon's
// threads spin a while after a run, and would take the cores from the
// next side); median; ratios within the page.
//
//   node bench/chunks.mjs      (builds bench/closures into www/bench-pkg)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { build } from './closures.mjs';
import { median } from './median.mjs';

const SIZES = [1, 2, 4];
const REPEATS = 5;
const WORKLOADS = [
  { name: 'squares', items: 1_000_000, perItem: true, range: true },
  { name: 'twenty-us', items: 200_000, perItem: false, range: false },
];

async function measureSize(context, origin, size) {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  const rows = await page.evaluate(async ([size, repeats, workloads]) => {
    const bench = await import('/bench-pkg/poolscope_bench_closures.js');
    await bench.default();
    await bench.initThreadPool(size);
    const pool = new bench.PoolscopePool(size);
    const host = new bench.PoolscopePool(1);
    await Promise.all([pool.ready(), host.ready()]);
    const rows = [];
    for (const { name, items, perItem, range } of workloads) {
      const sides = {
        auto: () => bench.poolscopeMap(pool, name, items, false),
        ...(range ? { range: () => bench.poolscopeMapRange(pool, name, items) } : {}),
        ...(perItem ? { perItem: () => bench.poolscopeMap(pool, name, items, true) } : {}),
        rayon: () => bench.rayonMap(host, name, items),
      };
      const expected = await sides.rayon();
      for (const run of Object.values(sides)) await run(); // warm-up
      const times = Object.fromEntries(Object.keys(sides).map((side) => [side, []]));
      for (let r = 0; r < repeats; r++) {
        for (const [side, run] of Object.entries(sides)) { // in turns
          await new Promise((resolve) => setTimeout(resolve, 20)); // the other side's threads asleep (rayon's spin a while after a run)
          const start = performance.now();
          const sum = await run();
          times[side].push(performance.now() - start);
          if (sum !== expected) throw new Error(`${name} ${side}: sum ${sum}, expected ${expected}`);
        }
      }
      rows.push({ name, items, times });
    }
    return rows;
  }, [size, REPEATS, WORKLOADS]);
  await page.close();
  return rows.map(({ name, items, times }) => {
    const perSecond = (side) => times[side] && items / (median(times[side]) / 1000);
    const row = { workload: name, workers: size, items, autoPerSecond: perSecond('auto'), rayonPerSecond: perSecond('rayon') };
    row.autoOverRayon = row.autoPerSecond / row.rayonPerSecond;
    if (times.range) {
      row.rangePerSecond = perSecond('range');
      row.rangeOverRayon = row.rangePerSecond / row.rayonPerSecond;
    }
    if (times.perItem) {
      row.perItemPerSecond = perSecond('perItem');
      row.autoOverPerItem = row.autoPerSecond / row.perItemPerSecond;
    }
    return row;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  build();
  const server = await startServer({ blobWorkers: true }); // initThreadPool's workers are blob: URLs
  const browser = await launchChromium();
  try {
    const rows = [];
    for (const size of SIZES) rows.push(...await measureSize(browser.context, server.origin, size));
    console.table(rows.map((r) => ({
      workload: r.workload, workers: r.workers,
      'auto /s': Math.round(r.autoPerSecond), 'rayon /s': Math.round(r.rayonPerSecond), 'auto / rayon': r.autoOverRayon.toFixed(2),
      'map_range / rayon': r.rangeOverRayon ? r.rangeOverRayon.toFixed(2) : '',
      'per item /s': r.perItemPerSecond ? Math.round(r.perItemPerSecond) : '', 'auto / per item': r.autoOverPerItem ? r.autoOverPerItem.toFixed(1) : '',
    })));
    writeFileSync(fileURLToPath(new URL('./chunks-results.json', import.meta.url)), `${JSON.stringify(rows, null, 2)}\n`);
  } finally {
    await browser.close();
    server.stop();
  }
}
