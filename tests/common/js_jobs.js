// The JS half of the browser suites' JS-jobs test (js_jobs.rs): a JS
// user's calls on the pool class of the build under test, in the page or
// a dedicated worker, each wait with its own deadline. Resolves with what
// broke (an empty list when nothing did).
//
// wasm-bindgen copies each declared module file into the test's snippets
// with its path from the crate root, so this file, www/lib/js-jobs/ and
// www/tasks.js keep their places and import each other as on a page.
import { withJsJobs } from '../../www/lib/js-jobs/pool.js';

const DEADLINE_MS = 30_000;

/**
 * @param {any} probePool a pool of the build, to find its class (freed here)
 * @param {'shared' | 'fallback'} mode
 * @returns {Promise<string[]>}
 */
export async function jsJobsStory(probePool, mode) {
  const PoolClass = probePool.constructor;
  probePool.free();
  const Pool = withJsJobs(PoolClass, mode);
  const pool = new Pool(2, { module: new URL('../../www/tasks.js', import.meta.url) });
  const broke = [];
  const check = (ok, what) => { if (!ok) broke.push(what); };
  const within = (promise, what) => {
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`waited ${DEADLINE_MS} ms for ${what}: counters ${JSON.stringify(pool.counters())}, live Web Workers ${pool.liveWebWorkers}`)), DEADLINE_MS);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  };
  try {
    await within(pool.ready(), 'the workers');
    check(await within(pool.run('double', [21]), 'double(21)') === 42, 'run gives the value');
    const echoed = await within(pool.run('echo', [new Map([[1, new Uint8Array([7])]])]), 'echo of a Map');
    check(echoed instanceof Map && echoed.get(1)[0] === 7, 'a Map of a typed array comes back');
    const thrown = await within(pool.run('refuse', ['no']).then(() => null, (error) => error), 'a job that throws');
    check(thrown?.name === 'BadInput' && thrown.message === 'refused: no' && thrown.job >= 1, `a thrown error keeps its name: ${thrown?.name}: ${thrown?.message}`);
    const missing = await within(pool.run('nope').then(() => null, (error) => error.name), 'a missing export');
    check(missing === 'MissingExport', `a missing export is refused by name: ${missing}`);

    const thousand = Array.from({ length: 1000 }, (_, i) => i);
    const chunked = pool.map('double', thousand);
    const jobs = new Set();
    let seen = 0;
    for await (const result of chunked) { jobs.add(result.job); seen++; }
    const values = await within(chunked, 'a chunked map');
    check(seen === 1000 && values.every((value, i) => value === i * 2), 'a chunked map gives every value in order, each item once');
    check(jobs.size > 1 && jobs.size < 100, `a thousand items in a few dozen chunk jobs: ${jobs.size}`);
    const perItem = await within(pool.map('doubleBut13', Array.from({ length: 20 }, (_, i) => i), { chunk: 1 }).then(() => null, (error) => error), 'a map of 20 jobs');
    check(perItem?.name === 'BadInput' && perItem.index === undefined, `a map rejects with its item's error: ${perItem?.name}`);

    const controller = new AbortController();
    const running = pool.run('untilAborted', [], { signal: controller.signal });
    const alsoRunning = pool.run('untilAborted', [], { signal: controller.signal });
    const waiting = pool.run('double', [5], { signal: controller.signal }).then(() => 'ran', (error) => error.name);
    const start = Date.now();
    while (pool.counters().running < 2 && Date.now() - start < DEADLINE_MS) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const aborted = await within(Promise.all([running, alsoRunning, waiting]), 'the aborted jobs');
    check(aborted.join() === 'aborted: AbortError,aborted: AbortError,AbortError', `abort tells running jobs and drops a waiting one: ${aborted}`);

    const timedOut = await within(pool.run('forever', [], { timeoutMs: 200 }).then(() => 'ran', (error) => error.name), 'a job that never ends');
    check(timedOut === 'TimedOut', `a job past its timeout: ${timedOut}`);
    check(await within(pool.run('double', [4]), 'a job after the timeout') === 8, 'the pool works on after a timeout');
    await within(pool.done(), 'the pool to go idle');
    const liveSince = Date.now();
    while (pool.liveWebWorkers !== 2 && Date.now() - liveSince < DEADLINE_MS) await new Promise((resolve) => setTimeout(resolve, 10));
    check(pool.liveWebWorkers === 2, `the pool's size in live Web Workers after a timeout: ${pool.liveWebWorkers}`);
    const counters = pool.counters();
    check(counters.submitted === counters.completed + counters.failed + counters.cancelled && counters.timedOut === 1, `counters add up, one timed out: ${JSON.stringify(counters)}`);
  } catch (error) {
    broke.push(String(error?.stack ?? error));
  } finally {
    pool.free();
  }
  return broke;
}
