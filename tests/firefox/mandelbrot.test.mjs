// The Mandelbrot page in Firefox (Debian's Firefox ESR through geckodriver,
// headless): the real workloads run, their results match one thread, and
// the legend names exactly the workers the log names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useWebDriver } from '../e2e/webdriver.mjs';

const session = useWebDriver(before, after, 'firefox');

const state = (wanted) => document.body.dataset.state === wanted;

/// Sets the page's selects, clicks `button`, and waits for the run to end.
async function run(selects, button) {
  await session.browser.execute((selects, button) => {
    for (const [id, value] of Object.entries(selects)) document.querySelector(id).value = value;
    document.querySelector(button).click();
  }, selects, button);
  await session.browser.waitFor('the run to end', () => document.body.dataset.state === 'done' || document.body.dataset.state === 'error');
  assert.equal(await session.browser.execute(() => document.body.dataset.state), 'done', await session.browser.execute(() => document.querySelector('#status').textContent));
}

/// The workers the log names on lines labelled `kind` (tile, primes), and the legend's workers.
const workersNamed = (kind, legend) => session.browser.execute((kind, legend) => {
  const log = document.querySelector('.poolscope-watch').shadowRoot.querySelector('[role="log"] ol');
  const pattern = new RegExp(`^Job \\d+ \\(${kind} [^)]+\\) is done by worker (\\d+)$`);
  const lines = [...log.children].map((line) => line.textContent.trim()).filter((line) => line.includes(`(${kind} `));
  const fromLog = [...new Set(lines.map((line) => Number(line.match(pattern)?.[1])))].sort((a, b) => a - b);
  const fromLegend = [...document.querySelectorAll(`${legend} li`)].map((item) => Number(item.dataset.worker));
  return { lines: lines.length, fromLog, fromLegend };
}, kind, legend);

test('Firefox: Mandelbrot tiles and prime ranges match one thread, and the legends name the workers the log names', async () => {
  await session.browser.navigate(`${session.server.origin}/mandelbrot.html`);
  await session.browser.waitFor('the page to be ready', state, ['ready']);
  assert.equal(await session.browser.execute(() => crossOriginIsolated), true, 'shared memory: the page is cross-origin isolated');

  await run({ '#view': 'seahorse', '#tile': '64', '#workers': '3' }, '#render');
  assert.equal(await session.browser.execute(() => document.querySelector('#check').dataset.matches), 'true');
  await session.browser.waitFor('the log to show all 96 tiles', () =>
    document.querySelector('.poolscope-watch').shadowRoot.querySelector('[role="log"] ol').children.length >= 97);
  const tiles = await workersNamed('tile', '#legend');
  assert.equal(tiles.lines, 96, 'each tile once in the log');
  assert.deepEqual(tiles.fromLegend, tiles.fromLog);

  await run({ '#limit': '1000000', '#chunk': '50000' }, '#count');
  assert.equal(await session.browser.execute(() => document.querySelector('#primes-check').dataset.matches), 'true');
  assert.match(await session.browser.execute(() => document.querySelector('#primes-status').textContent), /^78,498 primes below 1,000,000, 20 ranges/);
  await session.browser.waitFor('the log to show the 20 ranges', () =>
    [...document.querySelector('.poolscope-watch').shadowRoot.querySelector('[role="log"] ol').children].filter((line) => line.textContent.includes('(primes ')).length >= 20);
  const ranges = await workersNamed('primes', '#primes-legend');
  assert.equal(ranges.lines, 20);
  assert.deepEqual(ranges.fromLegend, ranges.fromLog);
});
