// The article's strategies on the page: partitioning, the compare view,
// and every preset of the walkthrough page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertEachJobOnce, openPage, readLog, useBrowser, waitForState } from './harness.mjs';

const session = useBrowser(before, after);

test('strategy=partition with pool 2 and 6 jobs: jobs 1-3 on one worker, 4-6 on the other', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/?strategy=partition&pool=2&jobs=6&autorun=1`, errors);
  await waitForState(page, 'done');
  const lines = await readLog(page);
  assertEachJobOnce(lines, 6, 2);
  const workerOf = Object.fromEntries(lines.map((l) => [l.job, l.worker]));
  assert.equal(new Set([1, 2, 3].map((job) => workerOf[job])).size, 1, 'jobs 1-3 on one worker');
  assert.equal(new Set([4, 5, 6].map((job) => workerOf[job])).size, 1, 'jobs 4-6 on one worker');
  assert.notEqual(workerOf[1], workerOf[4]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('strategy=longest-first queues the longest jobs first, each job once', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/?strategy=longest-first&pool=2&jobs=6&cost=60&dist=increasing&autorun=1`, errors);
  await waitForState(page, 'done');
  assertEachJobOnce(await readLog(page), 6, 2);
  const costs = await page.evaluate(() => [...document.querySelector('pool-playground').run.model.costs]);
  assert.deepEqual(costs, [...costs].sort((a, b) => b - a), 'job 1 is the longest, and so on down');
  assert.ok(costs[0] > costs[5], 'increasing costs, reversed');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the compare view runs all five strategies on a heavy job set', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/?pool=2&jobs=24&kind=cpu&cost=30&dist=heavy`, errors);
  await page.getByRole('button', { name: 'Compare strategies' }).click();
  await page.locator('.compare[data-results="5"]').waitFor({ timeout: 90_000 });
  await waitForState(page, 'done');
  const rows = page.locator('.compare-table tbody tr');
  assert.equal(await rows.count(), 5);
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.strategy)), ['pool', 'partition', 'unbounded', 'rayon', 'longest-first']);
  for (const text of await rows.allInnerTexts()) assert.match(text, /\d+ ms/);
  assert.ok((await page.locator('.compare .explanation').innerText()).length > 40, 'one sentence explains the outcome');
  assert.equal(await page.locator('.compare-chart rect.wall').count(), 5);
  assert.deepEqual(errors, []);
  await page.close();
});

test('every preset on the walkthrough page runs and shows its lines', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/article.html`, errors);
  const playgrounds = page.locator('pool-playground');
  assert.equal(await playgrounds.count(), 6);
  const expected = [
    { strategy: 'unbounded', workers: 5, at: 0 },
    { strategy: 'partition', workers: 2, at: 1 },
    { strategy: 'pool', workers: 2, at: 3 },
    { strategy: 'pool', workers: 3, at: 4 },
  ];
  // Section 2's Mandelbrot: three fixed bands of 48 tiles, checked against one thread.
  const bands = playgrounds.nth(2);
  await bands.getByRole('button', { name: 'Run' }).click();
  await bands.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
  const check = bands.locator('.result-panel .check');
  assert.equal(await check.getAttribute('data-check'), 'passed', await check.textContent());
  const tiles = (await bands.getByRole('log').innerText()).split('\n').filter(Boolean).map((line) => {
    const match = line.match(/^Job (\d+) \(tile (\d+),(\d+)\) is done by worker (\d+)$/);
    assert.ok(match, line);
    return { index: Number(match[3]) * 24 + Number(match[2]), worker: Number(match[4]) };
  });
  assert.equal(tiles.length, 384);
  // 24 x 16 tiles in row order, slices of 128: tile i is worker 1 + floor(i / 128)'s.
  for (const { index, worker } of tiles) assert.equal(worker, 1 + Math.floor(index / 128), `tile ${index} is in its band's worker's slice`);
  for (let i = 0; i < expected.length; i++) {
    const playground = playgrounds.nth(expected[i].at);
    await playground.getByRole('button', { name: 'Run' }).click();
    await playground.and(page.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
    const text = await playground.getByRole('log').innerText();
    const lines = text.split('\n').filter(Boolean).map((line) => {
      const match = line.match(/^Job (\d+) is done by worker (\d+)$/);
      assert.ok(match, line);
      return { job: Number(match[1]), worker: Number(match[2]) };
    });
    assertEachJobOnce(lines, 5, expected[i].workers);
    if (expected[i].strategy === 'unbounded') assert.equal(new Set(lines.map((l) => l.worker)).size, 5, 'a worker per job');
  }
  // Section 5: the reader's own worker, the article's in JavaScript, in an editor.
  const own = playgrounds.nth(5);
  await own.scrollIntoViewIfNeeded();
  await own.locator('.editor[data-loaded="true"]').waitFor({ timeout: 30_000 });
  await own.getByRole('button', { name: 'Run', exact: true }).click();
  await own.and(page.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
  const values = (await own.getByRole('log').innerText()).split('\n').filter(Boolean).map((line) => {
    const match = line.match(/^Job (\d+) is done by worker ([123]): (\d+)$/);
    assert.ok(match, line);
    assert.equal(Number(match[3]), Number(match[1]) * 2, line);
    return { job: Number(match[1]), worker: Number(match[2]) };
  });
  assertEachJobOnce(values, 5, 3);
  assert.equal(new URL(page.url()).search, '', 'embedded playgrounds leave the page URL alone');
  assert.deepEqual(errors, []);
  await page.close();
});
