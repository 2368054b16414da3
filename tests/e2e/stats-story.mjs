// The pool's latency statistics (`pool.stats()`), as an app reads them:
// one worker, five sleep jobs of 20 ms queued at once, so each job waits
// for those before it. The same page-side story runs in Chromium
// (tests/e2e/stats.test.mjs, Playwright) and Firefox (tests/firefox/,
// WebDriver); `checkStats` holds what both must see.
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
  assert.ok(Math.abs(stats.throughputPerSecond - rate) < rate * 1e-9, `throughput is jobs over the window: ${state}`);
  assert.ok(stats.utilisation > 0.5 && stats.utilisation <= 1, `one worker, busy back to back: ${state}`);
  assert.equal(stats.workers.length, 1, state);
  assert.equal(stats.workers[0].running.jobs, JOBS, state);
  assert.equal(stats.workers[0].waiting.maxMs, stats.waiting.maxMs, state);
}

/// The story in one WebDriver session: a WebDriver script cannot await,
/// so it starts the story in the page and waits for its result.
export async function statsStory(browser, origin, mode) {
  await browser.navigate(`${origin}/jobs.html`);
  await browser.waitFor('the demo page', () => document.body.dataset.state === 'ready');
  await browser.execute(`(mode, jobMs, jobs) => {
    window.statsResult = undefined;
    (${statsInPage})(mode, jobMs, jobs).then((result) => { window.statsResult = result; },
      (error) => { window.statsResult = { error: error.name + ': ' + error.message }; });
  }`, mode, JOB_MS, JOBS);
  await browser.waitFor(`the ${mode} jobs and their statistics`, () => window.statsResult !== undefined, [], 60_000);
  const seen = await browser.execute(() => window.statsResult);
  assert.equal(seen.error, undefined, seen.error);
  checkStats(seen);
}

/// The story in a Playwright page.
export async function statsInChromium(page, origin, mode) {
  await page.goto(`${origin}/jobs.html`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
  checkStats(await page.evaluate(`(${statsInPage})(${JSON.stringify(mode)}, ${JOB_MS}, ${JOBS})`));
}
