// @ts-check
// The page behind watch.html: an app's own pool, watched. Tests reach the
// pool and the watch through `window.poolscopeWatchDemo`.

import { loadPoolscope } from './api.js';
import { watchPool } from './watch.js';
import { errorText, required } from './dom.js';

const status = required('#status');
try {
  const api = await loadPoolscope();
  const pool = new api.Pool(2);
  await pool.ready();
  const watch = watchPool(pool, required('#views'), { clock: api.nowMs });
  Object.assign(window, { poolscopeWatchDemo: { api, pool, watch } }); // for the tests
  required('#queue').addEventListener('click', () => pool.submit('cpu', 40, 5));
  required('#grow').addEventListener('click', () => {
    const size = Math.min(/** @type {{ workers: number }} */ (pool.counters()).workers + 1, 64);
    pool.resize(size);
  });
  required('#unwatch').addEventListener('click', () => watch.stop());
  status.textContent = `A pool of 2 workers (${api.mode} mode), watched.`;
  document.body.dataset.state = 'ready';
} catch (error) {
  status.textContent = `The pool could not start: ${errorText(error)}`;
  document.body.dataset.state = 'error';
}
