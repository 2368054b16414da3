// @ts-check
// The Mandelbrot set at 1024x768 (the whole set, 256 iterations at most,
// `examples/tiles/src/mandelbrot.rs`), drawn as tiles at 1, 2 and 4 workers
// in one headless Chromium page per size:
// - poolscope: `pool.map(tiles, render_tile)` on the shared queue;
// - rayon on wasm-bindgen-rayon: `into_par_iter().map(render_tile).collect()`
//   of the same tiles on `initThreadPool(size)`;
// - one thread: the same tiles one after another in one job.
// Every side delivers every tile's pixels to the page, which checksums them
// (equal on all sides, checked). Then, at 2 workers, how the time varies
// with the tile size. Median of 5; ratios within the session.
//
//   node bench/mandelbrot.mjs   (after ./scripts/build.sh; builds bench/closures into www/bench-pkg)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { build } from './closures.mjs';
import { median } from './median.mjs';

const [WIDTH, HEIGHT] = [1024, 768];
const SIZES = [1, 2, 4];
const TILE = 64;
const TILE_SIZES = [16, 32, 64, 128, 256];
const REPEATS = 5;

async function measure(context, origin, size, tiles) {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  const result = await page.evaluate(async ([size, width, height, tiles, repeats]) => {
    const bench = await import('/bench-pkg/poolscope_bench_closures.js');
    await bench.default();
    await bench.initThreadPool(size);
    const pool = new bench.PoolscopePool(size);
    const host = new bench.PoolscopePool(1);
    await Promise.all([pool.ready(), host.ready()]);
    const rows = [];
    for (const tile of tiles) {
      const sides = {
        poolscope: () => bench.poolscopeMandelbrot(pool, width, height, tile),
        rayon: () => bench.rayonMandelbrot(host, width, height, tile),
        oneThread: () => bench.oneThreadMandelbrot(host, width, height, tile),
      };
      const times = { poolscope: [], rayon: [], oneThread: [] };
      let expected;
      for (let r = 0; r < repeats; r++) {
        for (const [name, run] of Object.entries(sides)) { // in turns
          const start = performance.now();
          const sum = await run();
          times[name].push(performance.now() - start);
          expected ??= sum;
          if (sum !== expected) throw new Error(`${name} drew another picture: checksum ${sum}, expected ${expected}`);
        }
      }
      rows.push({ tile, times });
    }
    return rows;
  }, [size, WIDTH, HEIGHT, tiles, REPEATS]);
  await page.close();
  return result.map(({ tile, times }) => {
    const ms = Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
    return { workers: size, tile, ms, speedup: ms.oneThread / ms.poolscope, rayonSpeedup: ms.oneThread / ms.rayon, poolscopeVsRayon: ms.poolscope / ms.rayon };
  });
}

const server = await startServer({ blobWorkers: true }); // initThreadPool's workers are blob: URLs
const browser = await launchChromium();
try {
  build();
  const bySize = [];
  for (const size of SIZES) bySize.push(...await measure(browser.context, server.origin, size, [TILE]));
  const byTile = await measure(browser.context, server.origin, 2, TILE_SIZES);
  const show = (rows) => console.table(rows.map((r) => ({
    workers: r.workers, tile: r.tile, 'one thread ms': r.ms.oneThread.toFixed(1), 'poolscope ms': r.ms.poolscope.toFixed(1), 'rayon ms': r.ms.rayon.toFixed(1),
    'poolscope speedup': `${r.speedup.toFixed(2)}×`, 'rayon speedup': `${r.rayonSpeedup.toFixed(2)}×`, 'poolscope time ÷ rayon time': r.poolscopeVsRayon.toFixed(3),
  })));
  show(bySize);
  show(byTile);
  writeFileSync(fileURLToPath(new URL('./mandelbrot-results.json', import.meta.url)), `${JSON.stringify({ width: WIDTH, height: HEIGHT, bySize, byTile }, null, 2)}\n`);
} finally {
  await browser.close();
  server.stop();
}
