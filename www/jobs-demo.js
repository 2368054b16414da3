// @ts-check
// The page behind jobs.html: a page's own functions (tasks.js) run as
// jobs, watched. Tests reach the pool through `window.poolscopeJobsDemo`.

import { loadPoolscope } from './api.js';
import { watchPool } from './watch.js';
import { errorText, required } from './dom.js';

const status = required('#status');
const results = required('#results');
try {
  const api = await loadPoolscope();
  const pool = new api.Pool(3, { module: new URL('./tasks.js', import.meta.url) });
  await pool.ready();
  const watch = watchPool(pool, required('#views'), { clock: api.nowMs });
  Object.assign(window, { poolscopeJobsDemo: { api, pool, watch, loadPoolscope } }); // for the tests
  /** @param {string} text */
  const show = (text) => { results.textContent = text; };
  required('#article').addEventListener('click', async () => {
    show('Running…');
    try {
      const values = await pool.map('article', [1, 2, 3, 4, 5], { label: (n) => `article job ${n}` });
      show(`Results: ${values.join(', ')}`);
    } catch (error) {
      show(errorText(error));
    }
  });
  required('#many').addEventListener('click', async () => {
    show('Running…');
    const started = performance.now();
    try {
      const values = await pool.map('double', Array.from({ length: 10_000 }, (_, i) => i));
      show(`10,000 results (the last: ${values.at(-1)}) in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      show(errorText(error));
    }
  });
  status.textContent = `A pool of 3 workers (${api.mode} mode) running tasks.js, watched.`;
  document.body.dataset.state = 'ready';
} catch (error) {
  status.textContent = `The pool could not start: ${errorText(error)}`;
  document.body.dataset.state = 'error';
}
