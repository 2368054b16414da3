// @ts-check
// The playground's real workloads (`work=mandelbrot|primes`): user code from
// examples/tiles, run on the run's pool through its public exports, each
// result checked against the same computed on one thread. An optional
// part: the element imports this module only when a run asks for a
// workload, so that neither a pool user nor a synthetic run loads the
// example crate. Its module is examples/tiles' wasm (www/tiles-pkg), which
// exports poolscope's `Pool` too; without shared memory, the fallback's
// pool with examples/tiles' kernels (fallback-workloads.js).

import { apiOfModule, loadPoolscope } from './api.js';
import { TiledPicture } from './mandelbrot.js';
import { RangeBars } from './range-bars.js';

const loading = new Map(); // mode -> the api with the workloads

/// Resolves to the api of `mode` (as `loadPoolscope` gives it) with the
/// workloads' functions (`renderMandelbrot`, `countPrimes`, ...): a run of
/// a workload makes its pool from this api's `Pool`, whose module runs them.
/** @param {'shared' | 'fallback'} mode */
export function loadWorkloadApi(mode) {
  if (!loading.has(mode)) {
    loading.set(mode, mode === 'shared'
      ? import('./tiles-pkg/poolscope_example_tiles.js').then(async (module) => {
        await module.default();
        return apiOfModule(module, mode);
      })
      : Promise.all([loadPoolscope(mode), import('./fallback-workloads.js')])
        .then(([api, workloads]) => ({ ...api, ...workloads })));
  }
  return loading.get(mode);
}

const checkPools = new WeakMap(); // api -> a one-worker pool for the checks

/// One worker, kept for the page's life: the check's time is one thread's.
async function checkPool(api) {
  if (!checkPools.has(api)) {
    checkPools.set(api, (async () => {
      const pool = new api.Pool(1);
      await pool.ready();
      return pool;
    })());
  }
  return checkPools.get(api);
}

/// Times `compute(pool)` on the check pool: resolves to `{ value, ms }`.
async function onOneThread(api, compute) {
  const pool = await checkPool(api);
  const started = performance.now();
  const value = await compute(pool);
  return { value, ms: performance.now() - started };
}

export const WORKLOADS = {
  mandelbrot: {
    noun: 'tile',
    describe: (s) => `the Mandelbrot set (${s.view}, ${s.size}) in tiles of ${s.tile} px`,
    /// The result's canvas, in px, and whether its parts can be tinted.
    canvasSize: (s) => s.size.split('x').map(Number),
    tints: true,
    /// The result's own view: a canvas the tiles are drawn on.
    makeResult: (canvas) => new TiledPicture(canvas),
    run: (api, pool, s, picture, partition) => {
      const [width, height] = s.size.split('x').map(Number);
      return api.renderMandelbrot(pool, width, height, s.tile, s.view, (tile) => picture.add(tile), partition);
    },
    checkSays: ['The result matches one thread, pixel for pixel.', 'The result does not match one thread: some tile differs.'],
    async check(api, s, picture) {
      const [width, height] = s.size.split('x').map(Number);
      const { value, ms } = await onOneThread(api, (pool) => api.renderMandelbrotWhole(pool, width, height, s.view));
      // The same kernel over the same pixels: its time is one thread's time for this work.
      return { matches: picture.matches(value), oneThreadMs: ms };
    },
    results: (picture) => picture.tiles,
  },
  primes: {
    noun: 'range',
    describe: (s) => `the primes below ${s.limit.toLocaleString('en-US')} in ranges of ${s.chunk.toLocaleString('en-US')}`,
    canvasSize: () => [768, 160],
    tints: false, // the bars are in their worker's colour already
    makeResult: (canvas, s) => new RangeBars(canvas, Math.ceil(s.limit / s.chunk), s.chunk),
    run: (api, pool, s, bars, partition) => api.countPrimes(pool, s.limit, s.chunk, (range) => bars.add(range), partition),
    checkSays: ['The result matches one thread: every range\'s count equals a sieve\'s.', 'The result does not match one thread: some range\'s count differs from the sieve\'s.'],
    async check(api, s, bars) {
      const { value } = await onOneThread(api, (pool) => api.countPrimesBySieve(pool, s.limit, s.chunk));
      // Another method (a sieve), so its time says nothing of one thread's for this work.
      return { matches: bars.matches(value), oneThreadMs: null };
    },
    results: (bars) => bars.ranges.filter(Boolean),
  },
};
