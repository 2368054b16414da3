// Real workloads in the playground (`work=mandelbrot|primes`): examples/tiles'
// closures run through the same views, each strategy, resize and Stop, and
// the result is checked against one thread.
import { test } from 'node:test';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, startServer, useBrowser, waitForState } from './harness.mjs';

const session = useBrowser(before, after);

/// The log's lines as `{ job, part, worker }`; fails on a line that does not
/// name its part ("Job 7 (tile 2,3) is done by worker 2").
async function readLabelledLog(scope, part) {
  const texts = await scope.locator('[role="log"] li').allTextContents();
  return texts.map((line) => {
    const match = line.match(new RegExp(`^Job (\\d+) \\((${part} [^)]+)\\) is done by worker (\\d+)$`));
    assert.ok(match, `a log line naming its ${part}: ${JSON.stringify(line)}`);
    return { job: Number(match[1]), part: match[2], worker: Number(match[3]) };
  });
}

/// The workers the result's legend names, in order.
const legendWorkers = (scope) => scope.locator('.legend li').evaluateAll((items) => items.map((item) => Number(item.dataset.worker)));

/// What the run recorded, as the log says it: `{ job, part, worker }` per
/// event (the log keeps only the latest 1,000 lines of a long run).
const readRun = (scope) => scope.evaluate((playground) => {
  const { model } = playground.run;
  return Array.from({ length: model.count }, (_, i) => ({
    job: model.get(i, 'job'), part: model.label(model.get(i, 'job')), worker: model.get(i, 'worker'),
  }));
});

/// Every part once, in the log and the run's events, and the legend names
/// exactly the workers the log names.
async function assertResult(scope, { part, parts, maxWorker }) {
  const check = scope.locator('.result-panel .check');
  assert.equal(await check.getAttribute('data-check'), 'passed', await check.textContent());
  const logged = await readLabelledLog(scope, part);
  const lines = await readRun(scope);
  assert.deepEqual(logged, lines.slice(-logged.length), 'the log says what the run recorded');
  assert.equal(lines.length, parts, `${parts} events`);
  assert.equal(new Set(lines.map((l) => l.part)).size, parts, `each ${part} once`);
  assert.equal(new Set(lines.map((l) => l.job)).size, parts, 'each job once');
  const workers = [...new Set(lines.map((l) => l.worker))].sort((a, b) => a - b);
  assert.ok(workers.every((w) => w >= 1 && w <= maxWorker), `workers within 1..${maxWorker}: ${workers}`);
  assert.deepEqual(await legendWorkers(scope), workers, 'the tint legend shows every worker the log names, and no other');
  return lines;
}

/// For each worker the run names, one of its tiles as drawn (tinted, then
/// not): the tinted pixel must be the plain one under that worker's colour.
const tintsByWorker = (page) => page.evaluate(async () => {
  const { workerColour } = await import('/worker-colours.js');
  const playground = document.querySelector('pool-playground');
  const canvas = playground.shadowRoot.querySelector('canvas.result');
  const picture = playground.run.result;
  const centre = ({ x, y, width, height }) => [x + (width >> 1), y + (height >> 1)];
  const read = (context, [x, y]) => [...context.getImageData(x, y, 1, 1).data];
  const shown = {};
  for (const tile of picture.tiles) shown[tile.worker] ??= tile;
  const tinted = Object.fromEntries(Object.entries(shown).map(([w, tile]) => [w, read(canvas.getContext('2d'), centre(tile))]));
  picture.setTint(false);
  const scratch = Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d', { willReadFrequently: true });
  const result = {};
  for (const [worker, tile] of Object.entries(shown)) {
    const plain = read(canvas.getContext('2d'), centre(tile));
    scratch.putImageData(new ImageData(new Uint8ClampedArray(plain), 1, 1), 0, 0);
    scratch.fillStyle = workerColour(Number(worker), 0.45);
    scratch.fillRect(0, 0, 1, 1);
    result[worker] = { tinted: tinted[worker], expected: read(scratch, [0, 0]), plain };
  }
  picture.setTint(true);
  return result;
});

test('work=mandelbrot picked on the page draws tile by tile, matches one thread, and tints each tile in the colour of the worker the log names', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/?pool=3`, errors);
  await waitForState(page, 'idle');
  const playground = page.locator('pool-playground');
  await playground.locator('select[name="work"]').selectOption('mandelbrot');
  assert.equal(await playground.locator('input[name="jobs"]').isVisible(), false, 'synthetic-only controls hide');
  await playground.locator('select[name="view"]').selectOption('seahorse');
  await playground.locator('select[name="tile"]').selectOption('64');
  assert.match(new URL(page.url()).search, /work=mandelbrot/, 'the URL follows the controls');
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForState(page, 'done');
  const lines = await assertResult(playground, { part: 'tile', parts: 96, maxWorker: 3 });
  const tints = await tintsByWorker(page);
  assert.deepEqual(Object.keys(tints).map(Number).sort(), [...new Set(lines.map((l) => l.worker))].sort(), 'a tint for every worker the log names');
  for (const [worker, { tinted, expected, plain }] of Object.entries(tints)) {
    assert.deepEqual(tinted, expected, `worker ${worker}'s tile is tinted in worker ${worker}'s colour`);
    assert.notDeepEqual(tinted, plain, `worker ${worker}'s tint shows`);
  }
  assert.match(await playground.locator('.status').textContent(), /^Done: 96 tiles on \d workers? in [\d.]+ s, [\d.]+× as fast as one thread/);
  assert.equal(await page.locator('[data-stat="submitted"]').textContent(), '96');
  // Untinting changes the picture where a tile was tinted; the hover names the tile's job.
  const pixel = () => page.evaluate(() => [...document.querySelector('pool-playground').shadowRoot.querySelector('canvas.result').getContext('2d').getImageData(700, 20, 1, 1).data]);
  const tinted = await pixel();
  await page.getByLabel('Tint each tile').uncheck();
  assert.notDeepEqual(await pixel(), tinted, 'the tint shows on the tile');
  const box = await page.locator('canvas.result').boundingBox();
  await page.mouse.move(box.x + 5, box.y + 5);
  assert.match(await page.locator('canvas.result').getAttribute('title'), /^Job \d+: the tile at 0,0, computed by worker \d$/);
  // The trace export carries the labels.
  const trace = await page.evaluate(() => document.querySelector('pool-playground').exportTrace());
  assert.equal(trace.traceEvents.filter((e) => e.args?.label?.startsWith('tile ')).length, 96);
  assert.deepEqual(errors, []);
  await page.close();
});

test('work=primes partitioned: each worker counts one contiguous slice of ranges, and the counts match a sieve', async () => {
  const page = await openPage(session.context, `${session.origin}/?work=primes&limit=2000000&chunk=100000&strategy=partition&pool=2&autorun=1`);
  await waitForState(page, 'done');
  const lines = await assertResult(page.locator('pool-playground'), { part: 'primes', parts: 20, maxWorker: 2 });
  for (const { part, worker } of lines) {
    const start = Number(part.match(/^primes (\d+)-/)[1]);
    assert.equal(worker, start < 1_000_000 ? 1 : 2, `${part}: the first ten ranges are worker 1's slice, the rest worker 2's`);
  }
  await page.close();
});

test('a real workload can be resized while it runs, stopped, and compared across strategies', async () => {
  // About 4 s of counting on one worker: time for a second one to start and join in.
  const page = await openPage(session.context, `${session.origin}/?work=primes&limit=20000000&chunk=100000&pool=1`);
  await waitForState(page, 'idle');
  const playground = page.locator('pool-playground');
  await page.getByRole('button', { name: 'Run' }).click();
  await playground.locator('[role="log"] li').first().waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'One worker more' }).click();
  await waitForState(page, 'done');
  const lines = await assertResult(playground, { part: 'primes', parts: 200, maxWorker: 2 });
  assert.ok(lines.some((l) => l.worker === 2), 'the worker added mid-run counted ranges');

  await page.getByRole('button', { name: 'Run' }).click();
  await playground.locator('[role="log"] li').first().waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await waitForState(page, 'done');
  assert.match(await playground.locator('.status').textContent(), /^Stopped after \d+ ranges?; \d+ queued jobs were cancelled/);
  assert.equal(await playground.locator('.result-panel .check').getAttribute('data-check'), 'pending', 'a stopped run is not checked');

  await playground.locator('select[name="work"]').selectOption('mandelbrot');
  await page.getByRole('button', { name: 'Compare strategies' }).click();
  await waitForState(page, 'done');
  assert.equal(await page.locator('.compare').getAttribute('data-results'), '3', 'pool, partition and a worker per job; rayon takes no closures, longest-first needs costs');
  await assertResult(playground, { part: 'tile', parts: 96, maxWorker: 64 });
  await page.close();
});

test('bad workload settings are named with their range and run nothing', async () => {
  const page = await openPage(session.context, `${session.origin}/?work=blur&tile=3&limit=abc&autorun=1`);
  await waitForState(page, 'idle');
  const problems = await page.locator('pool-playground .problems').innerText();
  assert.match(problems, /work="blur" is not allowed: work must be one of synthetic, js, code, mandelbrot, primes\. Using the default, synthetic\./);
  assert.match(problems, /tile="3" is not allowed: tile must be a whole number from 8 to 256/);
  assert.match(problems, /limit="abc" is not allowed: limit must be a whole number from 1 to 20000000/);
  assert.equal(await page.locator('pool-playground [role="log"] li').count(), 0, 'nothing ran');

  await page.goto(`${session.origin}/?work=primes&strategy=rayon&autorun=1`);
  await waitForState(page, 'idle');
  assert.match(await page.locator('pool-playground .problems').innerText(), /strategy=rayon is not allowed with work=primes: .* one of pool, partition, unbounded\. Using the default, pool\./);
  assert.equal(await page.locator('pool-playground [role="log"] li').count(), 0, 'nothing ran');
  await page.close();
});

test('the element takes the workload as attributes', async () => {
  const page = await openPage(session.context, `${session.origin}/docs-example.html`);
  await page.evaluate(() => {
    const embed = document.createElement('worker-pool-playground');
    for (const [name, value] of Object.entries({ id: 'tiles', work: 'mandelbrot', view: 'spiral', size: '512x384', tile: '128', pool: '2', layout: 'compact' })) embed.setAttribute(name, value);
    document.body.prepend(embed);
  });
  const embed = page.locator('#tiles');
  await embed.getByRole('button', { name: 'Run' }).click();
  await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
  await assertResult(embed, { part: 'tile', parts: 12, maxWorker: 2 });
  await page.close();
});

test('without cross-origin isolation the message-passing fallback runs the same workloads, results sent back as messages', async () => {
  const plain = await startServer({ isolated: false });
  try {
    const errors = [];
    const page = await openPage(session.context, `${plain.origin}/?work=mandelbrot&view=seahorse&tile=64&pool=3&autorun=1`, errors);
    await waitForState(page, 'done');
    const playground = page.locator('pool-playground');
    assert.equal(await playground.getAttribute('data-mode'), 'fallback');
    await assertResult(playground, { part: 'tile', parts: 96, maxWorker: 3 });

    await page.goto(`${plain.origin}/?work=primes&limit=2000000&chunk=100000&strategy=partition&pool=2&autorun=1`);
    await waitForState(page, 'done');
    const lines = await assertResult(playground, { part: 'primes', parts: 20, maxWorker: 2 });
    for (const { part, worker } of lines) {
      assert.equal(worker, Number(part.match(/^primes (\d+)-/)[1]) < 1_000_000 ? 1 : 2, `${part} on its slice's worker`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    plain.stop();
  }
});

test('settings of the synthetic jobs do not apply to a workload (capacity=3 with 10 ranges)', async () => {
  const page = await openPage(session.context, `${session.origin}/?work=primes&limit=100000&chunk=10000&capacity=3&autorun=1`);
  await waitForState(page, 'done');
  await assertResult(page.locator('pool-playground'), { part: 'primes', parts: 10, maxWorker: 2 });
  await page.close();
});
