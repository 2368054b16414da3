// The pool's lanes in Chrome DevTools (`showInDevTools`, `watchPool(...,
// { devtools: true })`): a profile recorded through the DevTools protocol
// holds a measure per job that ran, on its worker's track.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser } from './harness.mjs';

const session = useBrowser(before, after);
const DEADLINE_MS = 30_000;

/// Records the page's user timings while `during` runs; returns the trace events.
async function recordUserTimings(page, during) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['blink.user_timing'] }, transferMode: 'ReportEvents' });
  const result = await during();
  await cdp.send('Tracing.end');
  let timer;
  await Promise.race([complete, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${DEADLINE_MS} ms for the trace to complete (${events.length} events so far)`)), DEADLINE_MS);
  })]).finally(() => clearTimeout(timer));
  await cdp.detach();
  return { events, result };
}

test('showInDevTools: a recorded profile has each job that ran on its worker\'s track, named by its label', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/watch.html`, errors);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: DEADLINE_MS });
  const { events, result } = await recordUserTimings(page, () => page.evaluate(async () => {
    const { pool, watch } = window.poolscopeWatchDemo;
    watch.stop();
    const { showInDevTools } = await import('/watch.js');
    const lanes = showInDevTools(pool);
    const first = pool.submit('sleep', 6, 10);
    await pool.done();
    lanes.stop();
    return { first, left: performance.getEntriesByType('measure').length };
  }));
  const measures = events.filter((event) => /^Job \d+$/.test(event.name) && (event.ph === 'b' || event.ph === 'X' || event.ph === 'R'));
  const jobs = measures.map((event) => Number(event.name.slice(4))).sort((a, b) => a - b);
  assert.deepEqual(jobs, Array.from({ length: 6 }, (_, i) => result.first + i), `a measure per job: ${JSON.stringify(events.slice(0, 5))}`);
  const detail = JSON.parse(measures[0].args?.detail ?? measures[0].args?.data?.detail ?? 'null');
  assert.equal(detail?.devtools?.dataType, 'track-entry', JSON.stringify(measures[0]));
  assert.match(detail.devtools.track, /^worker \d+$/);
  assert.equal(detail.devtools.trackGroup, 'poolscope');
  assert.equal(result.left, 0, 'the page\'s list of measures does not grow');
  assert.deepEqual(errors, []);
  await page.close();
});
