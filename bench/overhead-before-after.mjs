// @ts-check
// Dispatch before and after a change, in one browser session: another
// build's www/ (a commit before the change, in a git worktree, with its
// bench/closures built into its www/bench-pkg) against this one's. Two
// workloads at 2 workers, the same on both sides:
// - 200,000 empty jobs (`pool.submit('noop', n, 0)`, then `done()`);
// - 200,000 closures (`poolscopeClosures(pool, n)` of bench/closures: a
//   `map` whose results reach the page, summed).
// Rounds alternate which side goes first; median of REPEATS (default 7)
// rounds' own ratios, this build's time over the other's (1.03 = 3% slower).
// Used for the issue "see inside the pool" (statistics, readers, progress
// and cooperative stop on the workers' path: at most 3% slower):
//
//   git worktree add /tmp/before <commit>
//   (cd /tmp/before/bench/closures && CARGO_TARGET_DIR=/tmp/before/target/bench-closures \
//     wasm-pack build --release --target web --out-dir ../../www/bench-pkg --no-pack)
//   (cd bench/closures && CARGO_TARGET_DIR=../../target/bench-closures \
//     wasm-pack build --release --target web --out-dir ../../www/bench-pkg --no-pack)
//   node bench/overhead-before-after.mjs /tmp/before/www
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { median } from './median.mjs';

const ITEMS = 200_000;
const WORKERS = 2;
const REPEATS = Number(process.env.REPEATS ?? 7);
const other = process.argv[2];
if (!other) throw new Error('usage: node bench/overhead-before-after.mjs OTHER_WWW_DIR');
const servers = { before: await startServer({ root: other }), after: await startServer() };
const browser = await launchChromium();
try {
  /** @type {Record<string, import('playwright-core').Page>} */
  const pages = {};
  for (const [name, server] of Object.entries(servers)) {
    pages[name] = await browser.context.newPage();
    await pages[name].goto(`${server.origin}/`);
    await pages[name].evaluate(async ([workers]) => {
      const bench = await import('/bench-pkg/poolscope_bench_closures.js');
      await bench.default();
      const pool = new bench.PoolscopePool(workers);
      await pool.ready();
      Object.assign(window, { bench, benchPool: pool });
    }, [WORKERS]);
  }
  /** @param {import('playwright-core').Page} page @param {'noop' | 'closures'} work */
  const run = (page, work) => page.evaluate(async ([work, items]) => {
    const { bench, benchPool: pool } = /** @type {any} */ (window);
    pool.takeEvents(); // the trace from earlier rounds: not this round's work
    const started = performance.now();
    if (work === 'noop') {
      pool.submit('noop', items, 0);
      await pool.done();
    } else {
      const sum = await bench.poolscopeClosures(pool, items);
      if (typeof sum !== 'number') throw new Error('no sum');
    }
    return performance.now() - started;
  }, /** @type {const} */ ([work, ITEMS]));
  for (const work of /** @type {const} */ (['noop', 'closures'])) {
    await run(pages.before, work); // warm-up, each side
    await run(pages.after, work);
    const ratios = [];
    /** @type {Record<string, number[]>} */
    const times = { before: [], after: [] };
    for (let round = 0; round < REPEATS; round++) {
      const order = round % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
      for (const side of order) times[side].push(await run(pages[side], work));
      ratios.push(times.after[round] / times.before[round]);
    }
    console.log(`${work}, ${ITEMS.toLocaleString('en-US')} at ${WORKERS} workers: before ${median(times.before).toFixed(1)} ms, ` +
      `after ${median(times.after).toFixed(1)} ms; after / before ${median(ratios).toFixed(3)} (median of ${REPEATS} rounds' ratios)`);
  }
} finally {
  await browser.close();
  for (const server of Object.values(servers)) server.stop();
}
