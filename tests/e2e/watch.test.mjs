// `watchPool`: the playground's views for a pool the page made itself
// (www/watch.html), in a shadow root that leaves the page alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser } from './harness.mjs';

const session = useBrowser(before, after);
const DEADLINE_MS = 30_000;

/// Waits for `condition` in the page; fails naming what it waited for and the pool's counters.
async function waitFor(page, what, condition, arg) {
  try {
    await page.waitForFunction(condition, arg, { timeout: DEADLINE_MS });
  } catch {
    const state = await page.evaluate(() => {
      const demo = window.poolscopeWatchDemo;
      let counters;
      try {
        counters = JSON.stringify(demo?.pool.counters());
      } catch (error) {
        counters = `unreadable (${error.message})`;
      }
      return `counters ${counters}, pools holding memory ${demo?.api.livePools()}`;
    });
    assert.fail(`waited ${DEADLINE_MS} ms for ${what} in vain; ${state}`);
  }
}

test('the views show an app\'s own pool: log, lanes, counters, resize and trace; stop() removes them and nothing else', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/watch.html`, errors);
  await waitFor(page, 'the pool', () => document.body.dataset.state === 'ready');
  const before = await page.evaluate(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    font: getComputedStyle(document.body).fontFamily,
    sheets: document.styleSheets.length,
  }));
  await page.getByRole('button', { name: 'Queue 40 jobs' }).click();
  await page.getByRole('button', { name: 'One worker more' }).click();
  // The new worker must be running before the second batch, or the two others may take it all (seen under CI load).
  await waitFor(page, 'the third worker to run its loop', () => window.poolscopeWatchDemo.pool.counters().liveWorkers === 3);
  await page.getByRole('button', { name: 'Queue 40 jobs' }).click();
  await waitFor(page, '80 jobs in the log', () => {
    const log = document.querySelector('.poolscope-watch')?.shadowRoot.querySelector('[role="log"] ol');
    return log?.children.length === 80;
  });

  const lines = (await page.getByRole('log').innerText()).split('\n').filter((line) => line.trim());
  const jobs = lines.map((line) => {
    const match = line.match(/^Job (\d+) is done by worker (\d+)$/);
    assert.ok(match, `a log line in the article's words: ${JSON.stringify(line)}`);
    assert.ok([1, 2, 3].includes(Number(match[2])), line);
    return Number(match[1]);
  });
  assert.deepEqual(jobs.sort((a, b) => a - b), Array.from({ length: 80 }, (_, i) => i + 1), 'each job once');
  await waitFor(page, 'the counters', () =>
    document.querySelector('.poolscope-watch').shadowRoot.querySelector('[data-stat="completed"]').textContent === '80');
  const canvas = page.locator('canvas.timeline');
  assert.equal(await canvas.getAttribute('data-bars'), '80');
  assert.equal(await canvas.getAttribute('data-lanes'), '3', 'a lane per worker, the one added by resize too');
  const trace = await page.evaluate(() => window.poolscopeWatchDemo.watch.exportTrace());
  const slices = trace.traceEvents.filter((event) => event.ph === 'X');
  assert.equal(slices.length, 80);
  assert.deepEqual(new Set(slices.map((slice) => slice.tid)), new Set([1, 2, 3]));

  const during = await page.evaluate(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    font: getComputedStyle(document.body).fontFamily,
    sheets: document.styleSheets.length,
  }));
  assert.deepEqual(during, before, 'the views\' styles stay in their shadow root');
  await page.getByRole('button', { name: 'Stop watching' }).click();
  assert.equal(await page.locator('.poolscope-watch').count(), 0, 'stop() removed the views');
  await page.getByRole('button', { name: 'Queue 40 jobs' }).click();
  await waitFor(page, 'the pool to go on without its views', () => window.poolscopeWatchDemo.pool.counters().completed === 120);
  assert.deepEqual(errors, []);
  await page.close();
});

test('watchPool refuses what is not a pool, by name', async () => {
  const page = await openPage(session.context, `${session.origin}/watch.html`);
  await waitFor(page, 'the pool', () => document.body.dataset.state === 'ready');
  const error = await page.evaluate(async () => {
    const { watchPool } = await import('./watch.js');
    try {
      watchPool({ jobs: 3 }, document.body);
      return null;
    } catch (error) {
      return { name: error.name, message: error.message };
    }
  });
  assert.equal(error?.name, 'NotAPool');
  assert.match(error.message, /watchPool needs a poolscope Pool/);
  await page.close();
});

test('a pool freed by its page while watched: the views stop with a note, no error, and the pool\'s memory goes once its workers leave', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/watch.html`, errors);
  await waitFor(page, 'the pool', () => document.body.dataset.state === 'ready');
  const live = () => page.evaluate(() => window.poolscopeWatchDemo.api.livePools());
  assert.equal(await live(), 1, 'the demo\'s pool holds memory');
  await page.evaluate(() => {
    const { pool } = window.poolscopeWatchDemo;
    pool.submit('sleep', 20, 20);
    pool.stop(); // the running jobs finish; the workers then leave
    pool.free();
  });
  await waitFor(page, 'the views to stop', () =>
    document.querySelector('.poolscope-watch').shadowRoot.querySelector('.note').dataset.stopped === 'true');
  await waitFor(page, 'the freed pool\'s memory to go (livePools() 0) once its workers left', () =>
    window.poolscopeWatchDemo.api.livePools() === 0);
  for (const end = Date.now() + DEADLINE_MS; page.workers().length > 0;) {
    assert.ok(Date.now() < end, `waited ${DEADLINE_MS} ms for the freed pool's ${page.workers().length} Web Workers to end`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('many readers: the views, the app and an exporter each get every event; none takes one from another', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/watch.html`, errors);
  await waitFor(page, 'the pool', () => document.body.dataset.state === 'ready');
  const seen = await page.evaluate(async () => {
    const { api, pool } = window.poolscopeWatchDemo;
    const fields = api.eventFields().length;
    const jobsIn = (flat) => [...flat].filter((_, i) => i % fields === 0);
    const app = pool.reader();
    const exporter = pool.reader();
    const first = pool.submit('noop', 20, 0);
    await pool.done();
    const byApp = jobsIn(app.takeEvents());
    const byPool = jobsIn(pool.takeEvents()); // the pool's own cursor: the views do not use it
    const byExporter = jobsIn(exporter.takeEvents());
    const late = jobsIn(pool.reader().takeEvents()); // from the oldest event kept
    const again = app.takeEvents().length; // nothing new
    return { first, byApp, byPool, byExporter, late, again, missed: app.missedEvents };
  });
  const jobs = Array.from({ length: 20 }, (_, i) => seen.first + i);
  const sorted = (list) => [...list].sort((a, b) => a - b);
  assert.deepEqual(sorted(seen.byApp), jobs, 'the app got every job');
  assert.deepEqual(sorted(seen.byExporter), jobs, 'so did the exporter');
  assert.deepEqual(sorted(seen.byPool), jobs, 'and the pool\'s own takeEvents');
  assert.deepEqual(sorted(seen.late).slice(-20), jobs, 'a reader made later starts at the oldest event kept');
  assert.equal(seen.again, 0);
  assert.equal(seen.missed, 0);
  // The views read with their own cursor: their log has the 20 jobs too.
  await waitFor(page, 'the 20 jobs in the views\' log', (first) => {
    const lines = [...document.querySelector('.poolscope-watch')?.shadowRoot?.querySelectorAll('[role="log"] li') ?? []].map((li) => li.textContent);
    return Array.from({ length: 20 }, (_, i) => first + i).every((job) => lines.some((line) => line.startsWith(`Job ${job} is done by worker `)));
  }, seen.first);
  // A reader holds its pool weakly: the freed pool's memory goes, and the
  // reader then reads nothing (and does not throw).
  await page.evaluate(() => {
    const { pool, watch } = window.poolscopeWatchDemo;
    window.unreadReader = pool.reader();
    watch.stop();
    pool.free();
  });
  await waitFor(page, 'the freed pool\'s memory to go (livePools() 0) while a reader of it is held', () =>
    window.poolscopeWatchDemo.api.livePools() === 0);
  const freed = await page.evaluate(() => [window.unreadReader.takeEvents().length, window.unreadReader.takeLabels().length]);
  assert.deepEqual(freed, [0, 0]);
  assert.deepEqual(errors, []);
  await page.close();
});
