// examples/tiles, a crate that depends on poolscope, on a page: its own
// labelled closures on a pool the page made, shown by poolscope's views.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser, waitForBodyState } from './harness.mjs';

const session = useBrowser(before, after);
const DEADLINE_MS = 30_000;

const waitForState = (page, state) => waitForBodyState(page, state, 'poolscopeTilesDemo', DEADLINE_MS);

test('a crate\'s closures, each labelled with its tile, are shown by the views: who summed which tile, once each', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/tiles.html`, errors);
  await waitForState(page, 'ready');
  await page.getByRole('button', { name: 'Sum 64 tiles' }).click();
  await waitForState(page, 'done');
  await page.waitForFunction(() => document.querySelector('.poolscope-watch')?.shadowRoot.querySelector('[role="log"] ol')?.children.length === 64,
    null, { timeout: DEADLINE_MS });
  const lines = (await page.getByRole('log').innerText()).split('\n').filter((line) => line.trim());
  const tiles = new Set();
  const workers = new Set();
  for (const line of lines) {
    const match = line.match(/^Job (\d+) \(tile (\d+),(\d+)\) is done by worker (\d+)$/);
    assert.ok(match, `a log line naming the job's label: ${JSON.stringify(line)}`);
    const [, job, x, y, worker] = match.map(Number);
    assert.equal(job, y * 16 + x + 1, 'tile x,y is job 16y + x + 1: the label belongs to its job');
    tiles.add(`${x},${y}`);
    workers.add(worker);
  }
  assert.equal(tiles.size, 64, 'each tile once');
  assert.ok([...workers].every((w) => w >= 1 && w <= 4), `workers 1 to 4: ${[...workers]}`);
  const trace = await page.evaluate(() => window.poolscopeTilesDemo.watch.exportTrace());
  const slices = trace.traceEvents.filter((event) => event.ph === 'X');
  assert.equal(slices.length, 64);
  assert.ok(slices.every((slice) => /^Job \d+ \(tile \d+,\d+\)$/.test(slice.name) && slice.args.label.startsWith('tile ')), 'labels in the trace');
  const sums = await page.evaluate(() => window.poolscopeTilesDemo.sums);
  assert.equal(sums.length, 64);
  assert.deepEqual(errors, []);
  await page.close();
});
