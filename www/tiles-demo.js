// The page behind tiles.html: the example crate's closures on a pool the
// page made, with poolscope's views. Tests reach it through
// `window.poolscopeTilesDemo`.

import init, { PoolscopePool as Pool, sumTiles } from './tiles-pkg/poolscope_example_tiles.js';

const nowMs = () => Pool.nowMs();
import { watchPool } from './watch.js';

const status = document.querySelector('#status');
try {
  await init();
  const pool = new Pool(4);
  await pool.ready();
  const watch = watchPool(pool, document.querySelector('#views'), { clock: nowMs });
  const demo = { pool, watch, sums: null };
  Object.assign(window, { poolscopeTilesDemo: demo }); // for the tests
  document.querySelector('#run').addEventListener('click', async () => {
    status.textContent = 'Summing 64 tiles on 4 workers…';
    demo.sums = await sumTiles(pool, 64);
    const total = demo.sums.reduce((a, b) => a + b, 0);
    status.textContent = `64 tiles summed: ${total.toLocaleString('en-US')} in all.`;
    document.body.dataset.state = 'done';
  });
  status.textContent = 'A pool of 4 workers, watched.';
  document.body.dataset.state = 'ready';
} catch (error) {
  status.textContent = `The example could not start: ${error.name}: ${error.message}`;
  document.body.dataset.state = 'error';
}
