// The whole story of JS jobs in one WebDriver session (Firefox through
// geckodriver, WebKit through WebKitWebDriver): a WebDriver script cannot
// await, so it starts the story in the page and waits for its result.
// The Chromium file (tests/e2e/js-jobs.test.mjs) tests each part alone.
import assert from 'node:assert/strict';

/// Runs the story on jobs.html in `mode` and checks what it saw.
export async function jsJobsStory(browser, origin, mode) {
  await browser.navigate(`${origin}/jobs.html`);
  await browser.waitFor('the demo pool', () => document.body.dataset.state === 'ready');
  await browser.execute((mode) => {
    const { loadPoolscope } = window.poolscopeJobsDemo;
    window.story = (async () => {
      const api = await loadPoolscope(mode);
      const pool = new api.Pool(2, { module: new URL('/tasks.js', location.href) });
      await pool.ready();
      const echoed = await pool.run('echo', [new Map([[1, new Uint8Array([7])]])]);
      const doubled = await pool.map('slowDouble', [1, 2, 3, 4, 5, 6]);
      const thrown = await pool.run('refuse', ['no']).catch((error) => `${error.name}: ${error.message} (job ${error.job})`);
      const missing = await pool.run('nope').catch((error) => error.name);
      const timedOut = await Promise.all([1, 2, 3].map(() => pool.run('forever', [], { timeoutMs: 150 }).catch((error) => error.name)));
      const controller = new AbortController();
      // Both workers busy with a job that ends when aborted; two more wait behind them.
      const running = Promise.all([1, 2].map(() => pool.run('untilAborted', [], { signal: controller.signal })));
      const waiting = Promise.all([1, 2].map((n) => pool.run('double', [n], { signal: controller.signal }).catch((error) => error.name)));
      const abortOnceRunning = () => (pool.counters().running === 2 ? controller.abort() : setTimeout(abortOnceRunning, 5));
      abortOnceRunning();
      const aborted = await Promise.all([running, waiting]);
      const numbers = new Float64Array(1024).fill(2);
      const back = await pool.run('doubleAll', [numbers], { transfer: [numbers.buffer] });
      await pool.done();
      const result = { echoed: [...echoed].map(([k, v]) => [k, [...v]]), doubled, thrown, missing, timedOut, aborted,
        moved: numbers.byteLength, back: back[1023], live: pool.liveWebWorkers, counters: pool.counters() };
      pool.free();
      return result;
    })().then((result) => { window.storyResult = result; }, (error) => { window.storyResult = { error: `${error.name}: ${error.message}` }; });
  }, mode);
  await browser.waitFor(`the ${mode} story to end`, () => window.storyResult !== undefined, [], 60_000);
  const seen = await browser.execute(() => window.storyResult);
  assert.equal(seen.error, undefined, seen.error);
  assert.deepEqual(seen.echoed, [[1, [7]]]);
  assert.deepEqual(seen.doubled, [2, 4, 6, 8, 10, 12]);
  assert.match(seen.thrown, /^BadInput: refused: no \(job \d+\)$/);
  assert.equal(seen.missing, 'MissingExport');
  assert.deepEqual(seen.timedOut, ['TimedOut', 'TimedOut', 'TimedOut']);
  assert.deepEqual(seen.aborted, [['aborted: AbortError', 'aborted: AbortError'], ['AbortError', 'AbortError']]);
  assert.equal(seen.moved, 0);
  assert.equal(seen.back, 4);
  assert.equal(seen.live, 2, 'the pool size in live Web Workers after three timeouts');
  assert.equal(seen.counters.cancelled, 2);
}
