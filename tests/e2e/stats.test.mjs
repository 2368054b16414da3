// The pool's latency statistics and trace export in Chromium, both modes
// (tests/e2e/stats-story.mjs), and the playground's Latency numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser, waitForState } from './harness.mjs';
import { statsInChromium, traceInChromium } from './stats-story.mjs';

const session = useBrowser(before, after);

for (const mode of ['shared', 'fallback']) {
  test(`${mode}: stats() gives how long jobs waited and ran, throughput and utilisation, per pool and per worker`, { timeout: 60_000 }, async () => {
    const errors = [];
    const page = await openPage(session.context, `${session.origin}/jobs.html`, errors);
    await statsInChromium(page, session.origin, mode);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

for (const mode of ['shared', 'fallback']) {
  test(`${mode}: exportTrace() is well-formed trace-event JSON with slices, counters, instants and flows`, { timeout: 60_000 }, async () => {
    const errors = [];
    const page = await openPage(session.context, `${session.origin}/jobs.html`, errors);
    const { exportMs } = await traceInChromium(page, session.origin, mode);
    if (process.env.POOLSCOPE_DEBUG) console.log(`exportTrace of 6 jobs: ${exportMs.toFixed(1)} ms`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the playground shows how long its jobs waited and ran', { timeout: 60_000 }, async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/?pool=1&jobs=4&kind=sleep&cost=30&autorun=1`, errors);
  await waitForState(page, 'done');
  const latency = await page.evaluate(() => {
    const root = document.querySelector('pool-playground').shadowRoot;
    return Object.fromEntries(['waitP50', 'waitP99', 'runP50', 'runP99', 'utilisation']
      .map((key) => [key, root.querySelector(`[data-stat="${key}"]`).textContent]));
  });
  const ms = (text) => Number(text.replace(/ ms$/, '').replace(/,/g, ''));
  assert.match(latency.runP50, /^[\d,.]+ ms$/, JSON.stringify(latency));
  assert.ok(ms(latency.runP50) >= 20, `30 ms jobs ran about 30 ms: ${JSON.stringify(latency)}`);
  assert.ok(ms(latency.waitP99) >= 60, `one worker: the last of four 30 ms jobs waited for three: ${JSON.stringify(latency)}`);
  assert.match(latency.utilisation, /^\d+ %$/);
  assert.deepEqual(errors, []);
  await page.close();
});
