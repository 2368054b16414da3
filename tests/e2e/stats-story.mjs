// The pool's latency statistics (`pool.stats()`) and its trace export
// (`pool.exportTrace()`), as an app reads them: one worker, five sleep jobs
// of 20 ms queued at once, so each job waits for those before it; for the
// trace, one more job runs past its timeout. The same page-side stories
// run in Chromium (tests/e2e/stats.test.mjs, Playwright) and Firefox
// (tests/firefox/, WebDriver); `checkStats` and `checkTrace` hold what
// both must see.
import assert from 'node:assert/strict';

const JOB_MS = 20;
const JOBS = 5;

/// Runs in the page (jobs.html): the jobs, then what `stats()` gave.
export async function statsInPage(mode, jobMs, jobs) {
  const { loadPoolscope } = window.poolscopeJobsDemo;
  const api = await loadPoolscope(mode);
  const pool = new api.Pool(1);
  await pool.ready();
  const before = pool.stats();
  pool.submit('sleep', jobs, jobMs);
  await pool.done();
  const stats = pool.stats();
  pool.free();
  return { before, stats };
}

/// What every engine must show of those jobs.
export function checkStats({ before, stats }) {
  const state = JSON.stringify(stats);
  assert.equal(before.jobs, 0, 'no jobs before any ran');
  assert.equal(before.waiting.p50Ms, 0);
  assert.equal(stats.jobs, JOBS, state);
  for (const times of [stats.waiting, stats.running]) {
    assert.equal(times.jobs, JOBS, state);
    assert.ok(times.p50Ms <= times.p90Ms && times.p90Ms <= times.p99Ms && times.p99Ms <= times.maxMs, `percentiles in order: ${state}`);
    assert.ok(times.meanMs <= times.maxMs, state);
  }
  // Timer precision is coarsened in some engines: a little under 20 ms is a 20 ms sleep.
  assert.ok(stats.running.p50Ms >= JOB_MS * 0.75, `each job slept ${JOB_MS} ms: ${state}`);
  assert.ok(stats.waiting.maxMs >= (JOBS - 1) * JOB_MS * 0.75, `the last job waited for the four before it: ${state}`);
  assert.ok(stats.toMs > stats.fromMs, state);
  const rate = JOBS / ((stats.toMs - stats.fromMs) / 1000);
  assert.ok(Math.abs(stats.throughputPerSecond - rate) < rate * 1e-3, `throughput is jobs over the window: ${state}`); // WebDriver rounds times on the way
  assert.ok(stats.utilisation > 0.5 && stats.utilisation <= 1, `one worker, busy back to back: ${state}`);
  assert.equal(stats.workers.length, 1, state);
  assert.equal(stats.workers[0].running.jobs, JOBS, state);
  assert.equal(stats.workers[0].waiting.maxMs, stats.waiting.maxMs, state);
}

/// Runs in the page (jobs.html): jobs, a resize and a timeout, then the
/// pool's trace export with flows, parsed.
export async function traceInPage(mode, jobMs, jobs) {
  const { loadPoolscope } = window.poolscopeJobsDemo;
  const api = await loadPoolscope(mode);
  const pool = new api.Pool(1, { jobTimeoutMs: 150 });
  await pool.ready();
  const first = pool.submit('sleep', jobs, jobMs);
  await pool.done();
  const late = pool.submit('sleep', 1, 2000); // past the timeout: reported at once, its worker replaced
  await pool.done();
  const started = performance.now();
  const trace = JSON.parse(pool.exportTrace(true));
  const exportMs = performance.now() - started;
  pool.free();
  return { first, late, trace, exportMs };
}

/// What a trace viewer needs: every event well formed, by the rules of
/// the trace-event format.
export function checkTrace({ first, late, trace }) {
  const events = trace.traceEvents;
  assert.ok(Array.isArray(events) && events.length > 0);
  const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);
  for (const event of events) {
    assert.ok(['M', 'X', 'C', 'i', 's', 'f'].includes(event.ph), `a known phase: ${JSON.stringify(event)}`);
    assert.ok(isNumber(event.pid), JSON.stringify(event));
    if (event.ph !== 'M' && event.ph !== 'C') assert.ok(isNumber(event.tid), JSON.stringify(event));
    if (event.ph !== 'M') assert.ok(isNumber(event.ts) && event.ts >= 0, `a time: ${JSON.stringify(event)}`);
    if (event.ph === 'X') assert.ok(isNumber(event.dur) && event.dur >= 0 && event.tid >= 1, JSON.stringify(event));
    if (event.ph === 'C') assert.ok(Object.values(event.args).every(isNumber), `counters are numbers: ${JSON.stringify(event)}`);
    if (event.ph === 'i') assert.ok(['t', 'p', 'g'].includes(event.s), JSON.stringify(event));
  }
  const slices = events.filter((event) => event.ph === 'X');
  const jobs = slices.map((slice) => slice.args.job).sort((a, b) => a - b);
  assert.deepEqual(jobs, Array.from({ length: JOBS + 1 }, (_, i) => first + i), 'a slice per job');
  assert.ok(slices.every((slice) => slice.name === `Job ${slice.args.job}`), 'named as the log says it');
  assert.equal(slices.find((slice) => slice.args.job === late).args.outcome, 'timed out');
  const instants = events.filter((event) => event.ph === 'i').map((event) => event.name);
  assert.ok(instants.includes(`timeout job ${late}`), `the timeout: ${instants}`);
  assert.ok(instants.some((name) => /^worker \d+ replaced$/.test(name)), `the replacement: ${instants}`);
  assert.ok(instants.includes('resize to 1'), `the pool's first size: ${instants}`);
  const counters = events.filter((event) => event.ph === 'C' && event.name === 'jobs');
  assert.ok(counters.some((event) => event.args.waiting === JOBS - 1), 'all but one waited at once');
  assert.deepEqual(counters.at(-1).args, { waiting: 0, running: 0 }, 'nothing left at the end');
  const starts = new Map(events.filter((event) => event.ph === 's').map((event) => [event.id, event]));
  const ends = events.filter((event) => event.ph === 'f');
  assert.equal(ends.length, JOBS + 1, 'a flow per job');
  for (const end of ends) {
    const start = starts.get(end.id);
    assert.ok(start && start.ts <= end.ts, `each flow starts before it ends: ${JSON.stringify(end)}`);
  }
}

/// Runs `inPage(mode, JOB_MS, JOBS)` in one WebDriver session: a WebDriver
/// script cannot await, so it starts it in the page and waits for its result.
async function inWebDriver(browser, origin, mode, inPage, what) {
  await browser.navigate(`${origin}/jobs.html`);
  await browser.waitFor('the demo page', () => document.body.dataset.state === 'ready');
  await browser.execute(`(mode, jobMs, jobs) => {
    window.storyResult = undefined;
    (${inPage})(mode, jobMs, jobs).then((result) => { window.storyResult = result; },
      (error) => { window.storyResult = { error: error.name + ': ' + error.message }; });
  }`, mode, JOB_MS, JOBS);
  await browser.waitFor(`the ${mode} jobs and ${what}`, () => window.storyResult !== undefined, [], 60_000);
  const seen = await browser.execute(() => window.storyResult);
  assert.equal(seen.error, undefined, seen.error);
  return seen;
}

/// Runs `inPage` in a Playwright page.
async function inPlaywright(page, origin, mode, inPage) {
  await page.goto(`${origin}/jobs.html`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
  return page.evaluate(`(${inPage})(${JSON.stringify(mode)}, ${JOB_MS}, ${JOBS})`);
}

export const statsStory = async (browser, origin, mode) => checkStats(await inWebDriver(browser, origin, mode, statsInPage, 'their statistics'));
export const statsInChromium = async (page, origin, mode) => checkStats(await inPlaywright(page, origin, mode, statsInPage));
export const traceStory = async (browser, origin, mode) => checkTrace(await inWebDriver(browser, origin, mode, traceInPage, 'their trace'));
export const traceInChromium = async (page, origin, mode) => {
  const seen = await inPlaywright(page, origin, mode, traceInPage);
  checkTrace(seen);
  return seen;
};
