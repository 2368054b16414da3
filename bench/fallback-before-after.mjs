// @ts-check
// The message-passing pool of two builds in one browser session: another
// build's www/ (say, a commit before a change, built in a git worktree)
// against this one, 200,000 empty jobs at 1, 2 and 4 workers, alternating
// which goes first; median of 5; the ratio is this build's time over the
// other's. Used for #14 (the fallback moved from JS to the Rust core):
//
//   git worktree add /tmp/old <commit> && (cd /tmp/old && <build its www/pkg-fallback>)
//   node bench/fallback-before-after.mjs /tmp/old/www
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { median } from './median.mjs';

const JOBS = 200_000;
const other = process.argv[2];
if (!other) throw new Error('usage: node bench/fallback-before-after.mjs OTHER_WWW_DIR');
const servers = { before: await startServer({ root: other, isolated: false }), after: await startServer({ isolated: false }) };
const browser = await launchChromium();
try {
  const pages = {};
  for (const [name, server] of Object.entries(servers)) {
    pages[name] = await browser.context.newPage();
    await pages[name].goto(`${server.origin}/`);
  }
  const run = (page, workers) => page.evaluate(async ([workers, jobs]) => {
    const { loadPoolscope } = await import('/api.js');
    const api = await loadPoolscope('fallback');
    const pool = new api.Pool(workers);
    await pool.ready();
    pool.submitCosts('noop', new Float64Array(2_000)); // warm: workers up, code optimised
    await pool.done();
    const start = performance.now();
    pool.submitCosts('noop', new Float64Array(jobs));
    await pool.done();
    const ms = performance.now() - start;
    const { completed } = /** @type {{ completed: number }} */ (pool.counters());
    pool.free();
    if (completed !== jobs + 2_000) throw new Error(`${completed} jobs completed of ${jobs + 2_000}`);
    return ms;
  }, [workers, JOBS]);
  for (const workers of [1, 2, 4]) {
    const times = { before: [], after: [] };
    for (let i = 0; i < 5; i++) {
      for (const name of i % 2 ? ['after', 'before'] : ['before', 'after']) times[name].push(await run(pages[name], workers));
    }
    const [before, after] = [median(times.before), median(times.after)];
    const rate = (ms) => Math.round((JOBS / ms) * 1000).toLocaleString('en-US');
    console.log(`${workers} w: before ${rate(before)} jobs/s, after ${rate(after)} jobs/s, after's time ÷ before's ${(after / before).toFixed(2)}`);
  }
} finally {
  await browser.close();
  for (const server of Object.values(servers)) server.stop();
}
