// @ts-check
// The page behind tiles.html: the example crate's closures on a pool the
// page made, with poolscope's views. Tests reach it through
// `window.poolscopeTilesDemo`.

import init, { PoolscopePool as Pool, sumTiles } from './tiles-pkg/poolscope_example_tiles.js';

const nowMs = () => Pool.nowMs();
import { watchPool } from './watch.js';
import { errorText, required } from './dom.js';

const status = required('#status');
try {
  await init();
  const pool = new Pool(4);
  await pool.ready();
  const watch = watchPool(pool, required('#views'), { clock: nowMs });
  const demo = { pool, watch, sums: /** @type {number[] | null} */ (null) };
  Object.assign(window, { poolscopeTilesDemo: demo }); // for the tests
  required('#run').addEventListener('click', async () => {
    status.textContent = 'Summing 64 tiles on 4 workers…';
    const sums = demo.sums = await sumTiles(pool, 64);
    const total = sums.reduce((a, b) => a + b, 0);
    status.textContent = `64 tiles summed: ${total.toLocaleString('en-US')} in all.`;
    document.body.dataset.state = 'done';
  });
  status.textContent = 'A pool of 4 workers, watched.';
  document.body.dataset.state = 'ready';
} catch (error) {
  status.textContent = `The example could not start: ${errorText(error)}`;
  document.body.dataset.state = 'error';
}
