// The page behind mandelbrot.html: examples/tiles draws the Mandelbrot set
// on a pool the page made, one closure per tile, with poolscope's views.
// Tests reach it through `window.poolscopeMandelbrot`.

import init, { Pool, nowMs, renderMandelbrot, renderMandelbrotWhole } from './tiles-pkg/poolscope_example_tiles.js';
import { element } from './dom.js';
import { watchPool } from './watch.js';
import { workerColour } from './worker-colours.js';
import { TiledPicture } from './mandelbrot.js';

const $ = (selector) => document.querySelector(selector);
const [status, check, legend, canvas] = [$('#status'), $('#check'), $('#legend'), $('#picture')];

function setState(state) {
  document.body.dataset.state = state;
}

function showLegend(picture) {
  legend.replaceChildren(...[...picture.byWorker()].map(([worker, tiles]) => {
    const swatch = element('span', { class: 'swatch' });
    swatch.style.backgroundColor = workerColour(worker); // CSSOM: the page's CSP allows no style attributes
    return element('li', { 'data-worker': worker }, swatch, `worker ${worker}: ${tiles} tile${tiles === 1 ? '' : 's'}`);
  }));
}

async function draw(demo) {
  const [view, tile, workers] = [$('#view').value, Number($('#tile').value), Number($('#workers').value)];
  const { pool, picture } = demo;
  setState('running');
  $('#render').disabled = true;
  check.dataset.matches = '';
  check.textContent = 'The result is checked against the same picture drawn by one thread.';
  picture.clear();
  legend.replaceChildren();
  try {
    if (pool.counters().workers !== workers) await pool.resize(workers);
    status.textContent = `Drawing on ${workers} worker${workers === 1 ? '' : 's'}…`;
    const started = performance.now();
    const tiles = await renderMandelbrot(pool, canvas.width, canvas.height, tile, view, (finished) => {
      picture.add(finished);
      if (picture.tiles.length % 8 === 0) showLegend(picture);
    });
    const ms = performance.now() - started;
    showLegend(picture);
    canvas.setAttribute('aria-label', `The Mandelbrot set (${view}), ${tiles} tiles drawn by ${picture.byWorker().size} workers`);
    status.textContent = `${tiles} tiles drawn by ${picture.byWorker().size} of ${workers} workers in ${Math.round(ms)} ms. Checking…`;
    const whole = await renderMandelbrotWhole(pool, canvas.width, canvas.height, view);
    const matches = picture.matches(whole);
    check.dataset.matches = String(matches);
    check.textContent = matches
      ? 'The result matches one thread, pixel for pixel.'
      : 'The result does not match one thread: some tile differs.';
    status.textContent = `${tiles} tiles drawn by ${picture.byWorker().size} of ${workers} workers in ${Math.round(ms)} ms.`;
    setState('done');
  } catch (error) {
    status.textContent = `Could not draw: ${error.name}: ${error.message}`;
    setState('error');
  } finally {
    $('#render').disabled = false;
  }
}

try {
  await init();
  const pool = new Pool(Number($('#workers').value));
  await pool.ready();
  const picture = new TiledPicture(canvas);
  const watch = watchPool(pool, $('#views'), { clock: nowMs });
  const demo = { pool, watch, picture };
  window.poolscopeMandelbrot = demo;
  $('#controls').addEventListener('submit', (event) => {
    event.preventDefault();
    draw(demo);
  });
  $('#tint').addEventListener('change', (event) => picture.setTint(event.target.checked));
  canvas.addEventListener('mousemove', (event) => {
    const scale = canvas.width / canvas.clientWidth;
    const tile = picture.tileAt(event.offsetX * scale, event.offsetY * scale);
    canvas.title = tile ? `Job ${tile.job}: tile at ${tile.x},${tile.y}, drawn by worker ${tile.worker}` : '';
  });
  status.textContent = 'Ready: pick a view and a tile size, then draw.';
  setState('ready');
} catch (error) {
  status.textContent = `The page could not start: ${error.name}: ${error.message}`;
  setState('error');
}
