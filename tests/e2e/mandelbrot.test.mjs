// The Mandelbrot page: examples/tiles draws the set tile by tile on a pool,
// the page checks the result against one thread and tints each tile in the
// colour of the worker that drew it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser, waitForBodyState } from './harness.mjs';

const session = useBrowser(before, after);
const DEADLINE_MS = 60_000;

const waitForState = (page, state) => waitForBodyState(page, state, 'poolscopeMandelbrot', DEADLINE_MS);

/// The colour of canvas pixel (x, y).
const pixelAt = (page, x, y) => page.evaluate(([x, y]) => [...document.querySelector('#picture').getContext('2d').getImageData(x, y, 1, 1).data], [x, y]);

test('the Mandelbrot set drawn tile by tile matches one thread, and the tints show every worker the log names', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/mandelbrot.html`, errors);
  await waitForState(page, 'ready');
  await page.selectOption('#view', 'seahorse');
  await page.selectOption('#tile', '64');
  await page.selectOption('#workers', '3');
  await page.getByRole('button', { name: 'Draw' }).click();
  await waitForState(page, 'done');
  assert.equal(await page.getAttribute('#check', 'data-matches'), 'true', await page.textContent('#check'));

  // Every tile once in the log, labelled, and the legend names exactly the log's workers.
  await page.waitForFunction(() => document.querySelector('.poolscope-watch')?.shadowRoot.querySelector('[role="log"] ol')?.children.length >= 97,
    null, { timeout: DEADLINE_MS });
  const lines = (await page.getByRole('log').innerText()).split('\n').filter((line) => /\(tile /.test(line));
  const tiles = new Set();
  const logWorkers = new Set();
  for (const line of lines) {
    const match = line.match(/^Job (\d+) \(tile (\d+),(\d+)\) is done by worker (\d+)$/);
    assert.ok(match, `a log line naming the tile: ${JSON.stringify(line)}`);
    tiles.add(`${match[2]},${match[3]}`);
    logWorkers.add(Number(match[4]));
  }
  assert.equal(tiles.size, 96, 'each of the 12 x 8 tiles once');
  const legendWorkers = await page.$$eval('#legend li', (items) => items.map((item) => Number(item.dataset.worker)));
  assert.deepEqual(legendWorkers, [...logWorkers].sort((a, b) => a - b), 'the tint legend shows the workers the log names');
  assert.ok(logWorkers.size >= 1 && [...logWorkers].every((w) => w >= 1 && w <= 3), `workers 1 to 3: ${[...logWorkers]}`);

  // Tinting changes the picture, in the drawing worker's colour; untinting restores it.
  const plain = await pixelAt(page, 700, 20);
  await page.check('#tint');
  const tinted = await pixelAt(page, 700, 20);
  assert.notDeepEqual(tinted, plain, 'the tint shows on the tile');
  await page.uncheck('#tint');
  assert.deepEqual(await pixelAt(page, 700, 20), plain, 'untinted, the picture is as drawn');

  // A second draw with another tile size resizes nothing it need not and checks again.
  await page.selectOption('#tile', '128');
  await page.getByRole('button', { name: 'Draw' }).click();
  await waitForState(page, 'done');
  assert.equal(await page.getAttribute('#check', 'data-matches'), 'true');
  assert.equal(await page.evaluate(() => window.poolscopeMandelbrot.picture.tiles.length), 24);
  assert.deepEqual(errors, []);
  await page.close();
});

test('primes counted range by range match a sieve on one thread, and the legend names the workers the log names', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/mandelbrot.html`, errors);
  await waitForState(page, 'ready');
  await page.selectOption('#workers', '2');
  await page.selectOption('#limit', '1000000');
  await page.selectOption('#chunk', '50000');
  await page.getByRole('button', { name: 'Count' }).click();
  await waitForState(page, 'done');
  assert.equal(await page.getAttribute('#primes-check', 'data-matches'), 'true', await page.textContent('#primes-check'));
  assert.match(await page.textContent('#primes-status'), /^78,498 primes below 1,000,000, 20 ranges counted by [12] of 2 workers/);
  await page.waitForFunction(() => document.querySelector('.poolscope-watch')?.shadowRoot.querySelector('[role="log"] ol')?.children.length >= 21,
    null, { timeout: DEADLINE_MS });
  const lines = (await page.getByRole('log').innerText()).split('\n').filter((line) => /\(primes /.test(line));
  const logWorkers = new Set(lines.map((line) => Number(line.match(/^Job \d+ \(primes \d+-\d+\) is done by worker (\d+)$/)?.[1])));
  assert.equal(lines.length, 20, 'each range once in the log, labelled');
  const legendWorkers = await page.$$eval('#primes-legend li', (items) => items.map((item) => Number(item.dataset.worker)));
  assert.deepEqual(legendWorkers, [...logWorkers].sort((a, b) => a - b));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the keyboard names who drew each tile: focus the picture and move with the arrow keys', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/mandelbrot.html`, errors);
  await waitForState(page, 'ready');
  await page.selectOption('#tile', '128');
  await page.getByRole('button', { name: 'Draw' }).click();
  await waitForState(page, 'done');
  const tiles = await page.evaluate(() => window.poolscopeMandelbrot.picture.tiles.map(({ x, y, job, worker }) => ({ x, y, job, worker })));
  const at = (x, y) => tiles.find((t) => t.x === x && t.y === y);
  await page.focus('#picture');
  const first = at(0, 0);
  assert.equal(await page.textContent('#tile-info'), `Job ${first.job}: the tile at 0,0, drawn by worker ${first.worker}.`);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  const moved = at(128, 128);
  assert.equal(await page.textContent('#tile-info'), `Job ${moved.job}: the tile at 128,128, drawn by worker ${moved.worker}.`);
  assert.deepEqual(errors, []);
  await page.close();
});
