// @ts-check
// The page behind mandelbrot.html: examples/tiles draws the Mandelbrot set
// on a pool the page made, one closure per tile, with poolscope's views.
// Tests reach it through `window.poolscopeMandelbrot`.

import init, { PoolscopePool as Pool, countPrimes, countPrimesBySieve, renderMandelbrot, renderMandelbrotWhole } from './tiles-pkg/poolscope_example_tiles.js';

const nowMs = () => Pool.nowMs();
import { watchPool } from './watch.js';
import { TiledPicture } from './mandelbrot.js';
import { RangeBars } from './range-bars.js';
import { countByWorker, fillLegend, plural } from './legend.js';
import { WORKLOADS } from './workloads.js'; // the playground's words for the same checks
import { errorText } from './dom.js';

const $ = (selector) => document.querySelector(selector);
const [status, check, legend, canvas] = [$('#status'), $('#check'), $('#legend'), $('#picture')];

function setState(state) {
  document.body.dataset.state = state;
}

/// One workload at a time: both share the pool, its size and the page's state.
function setBusy(busy) {
  for (const button of [$('#render'), $('#count')]) button.disabled = busy;
}

const showLegend = (picture) => fillLegend(legend, picture.byWorker(), 'tile');

/// Runs one workload on the pool, resized first to the chosen size: keeps
/// the page's state and buttons, and shows a failure in `statusLine`.
/// `body(workers)` does the work.
async function runWorkload(demo, statusLine, verb, body) {
  const workers = Number($('#workers').value);
  setState('running');
  setBusy(true);
  try {
    if (demo.pool.counters().workers !== workers) await demo.pool.resize(workers);
    await body(workers);
    setState('done');
  } catch (error) {
    statusLine.textContent = `Could not ${verb}: ${errorText(error)}`;
    setState('error');
  } finally {
    setBusy(false);
  }
}

/// Says whether a result matched the one-thread computation.
function showCheck(element, matches, yes, no) {
  element.dataset.matches = String(matches);
  element.textContent = matches ? yes : no;
}

/// Counts the primes below the chosen limit, one job per range, drawing a
/// bar per range as it finishes; then checks the counts against a sieve.
function countRanges(demo) {
  const [limit, chunk] = [Number($('#limit').value), Number($('#chunk').value)];
  const [canvas, primesStatus, primesCheck] = [$('#ranges'), $('#primes-status'), $('#primes-check')];
  const bars = new RangeBars(canvas, Math.ceil(limit / chunk), chunk);
  primesCheck.dataset.matches = '';
  return runWorkload(demo, primesStatus, 'count', async (workers) => {
    primesStatus.textContent = `Counting on ${plural(workers, 'worker')}…`;
    const started = performance.now();
    const total = await countPrimes(demo.pool, limit, chunk, (range) => bars.add(range));
    const ms = performance.now() - started;
    const byWorker = countByWorker(bars.ranges);
    fillLegend($('#primes-legend'), byWorker, 'range');
    canvas.setAttribute('aria-label', `Primes per range: ${total} below ${limit} in ${bars.slots} ranges`);
    showCheck(primesCheck, bars.matches(await countPrimesBySieve(demo.pool, limit, chunk)), ...WORKLOADS.primes.checkSays);
    primesStatus.textContent = `${total.toLocaleString('en-US')} primes below ${limit.toLocaleString('en-US')}, ${bars.slots} ranges counted by ${byWorker.size} of ${workers} workers in ${Math.round(ms)} ms.`;
    demo.ranges = bars.ranges;
  });
}

/// Draws the Mandelbrot set tile by tile as tiles finish; then checks the
/// picture against the same one drawn by one job.
function draw(demo) {
  const [view, tile] = [$('#view').value, Number($('#tile').value)];
  const { pool, picture } = demo;
  check.dataset.matches = '';
  check.textContent = 'The result is checked against the same picture drawn by one thread.';
  picture.clear();
  legend.replaceChildren();
  return runWorkload(demo, status, 'draw', async (workers) => {
    status.textContent = `Drawing on ${plural(workers, 'worker')}…`;
    const started = performance.now();
    let legendDue = false; // the legend follows once a frame, not once a tile
    const tiles = await renderMandelbrot(pool, canvas.width, canvas.height, tile, view, (finished) => {
      picture.add(finished);
      if (!legendDue) {
        legendDue = true;
        requestAnimationFrame(() => { legendDue = false; showLegend(picture); });
      }
    });
    const ms = performance.now() - started;
    showLegend(picture);
    canvas.setAttribute('aria-label', `The Mandelbrot set (${view}), ${tiles} tiles drawn by ${picture.byWorker().size} workers`);
    const summary = `${tiles} tiles drawn by ${picture.byWorker().size} of ${workers} workers in ${Math.round(ms)} ms.`;
    status.textContent = `${summary} Checking…`;
    const whole = await renderMandelbrotWhole(pool, canvas.width, canvas.height, view);
    showCheck(check, picture.matches(whole), ...WORKLOADS.mandelbrot.checkSays);
    status.textContent = summary;
  });
}

try {
  await init();
  const pool = new Pool(Number($('#workers').value));
  await pool.ready();
  const picture = new TiledPicture(canvas);
  const watch = watchPool(pool, $('#views'), { clock: nowMs });
  const demo = { pool, watch, picture };
  Object.assign(window, { poolscopeMandelbrot: demo }); // for the tests
  $('#controls').addEventListener('submit', (event) => {
    event.preventDefault();
    draw(demo);
  });
  $('#primes-controls').addEventListener('submit', (event) => {
    event.preventDefault();
    countRanges(demo);
  });
  $('#tint').addEventListener('change', (event) => picture.setTint(event.target.checked));
  // Which job drew a tile: by pointer, or by keyboard (arrows move a focus tile).
  const describe = (tile) => (tile ? `Job ${tile.job}: the tile at ${tile.x},${tile.y}, drawn by worker ${tile.worker}.` : '');
  let focus = { x: 0, y: 0 };
  canvas.addEventListener('mousemove', (event) => {
    const scale = canvas.width / canvas.clientWidth;
    canvas.title = describe(picture.tileAt(event.offsetX * scale, event.offsetY * scale));
  });
  const showFocus = () => {
    const tile = picture.tileAt(focus.x, focus.y);
    picture.setFocus(tile);
    $('#tile-info').textContent = describe(tile) || 'No tile drawn there yet.';
  };
  canvas.addEventListener('focus', showFocus);
  canvas.addEventListener('blur', () => picture.setFocus(null));
  canvas.addEventListener('keydown', (event) => {
    const step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
    const tile = picture.tileAt(focus.x, focus.y);
    if (!step || !tile) return;
    event.preventDefault();
    focus = {
      x: Math.min(canvas.width - 1, Math.max(0, focus.x + step[0] * tile.width)),
      y: Math.min(canvas.height - 1, Math.max(0, focus.y + step[1] * tile.height)),
    };
    showFocus();
  });
  status.textContent = 'Ready: pick a view and a tile size, then draw.';
  setState('ready');
} catch (error) {
  status.textContent = `The page could not start: ${errorText(error)}`;
  setState('error');
}
