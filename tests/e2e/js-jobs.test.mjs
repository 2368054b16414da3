// JS jobs as a JavaScript user runs them: `pool.run` and `pool.map` on
// functions of a module (www/tasks.js), in both modes, on real Web
// Workers: results of every structured-clone kind, labels, named errors
// that leave the pool usable, timeouts that end the worker, abort,
// progress and transfer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser, waitForState } from './harness.mjs';

const session = useBrowser(before, after);

/// A page with `window.loadPool(mode, size, options)` and `window.within(promise, ms, what, pool)`:
/// every wait has a deadline and fails naming what it waited for and the pool's state.
async function jobsPage(errors) {
  const page = await openPage(session.context, `${session.origin}/jobs.html`, errors);
  await page.evaluate(() => {
    window.loadPool = async (mode, size, options = {}) => {
      const { loadPoolscope } = await import('/api.js');
      const api = await loadPoolscope(mode);
      const pool = new api.Pool(size, { module: new URL('/tasks.js', location.href), ...options });
      await pool.ready();
      return pool;
    };
    window.within = (promise, ms, what, pool) => {
      let timer; // cleared when the wait ends: it must not read a pool freed since
      const late = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${what} in vain: counters ${JSON.stringify(pool?.counters())}, live Web Workers ${pool?.liveWebWorkers}`)), ms);
      });
      return Promise.race([promise, late]).finally(() => clearTimeout(timer));
    };
  });
  return page;
}

for (const mode of ['shared', 'fallback']) {
  test(`${mode}: run gives each function's value, of every kind structured clone carries`, { timeout: 60_000 }, async () => {
    const errors = [];
    const page = await jobsPage(errors);
    const seen = await page.evaluate(async (mode) => {
      const pool = await loadPool(mode, 2);
      const values = [42, 'text', { a: [1, { b: null }] }, [1, 2, 3], new Uint8Array([1, 2, 255]), new Map([[1, 'one']]),
        new Set(['x']), new Float64Array([0.5, NaN]), undefined, null, true, -0, Infinity, [undefined, 1], 'x'.repeat(100_000)];
      const echoed = await within(Promise.all(values.map((value) => pool.run('echo', [value]))), 20_000, 'the echoes', pool);
      const doubled = await within(pool.run('double', [21]), 10_000, 'double(21)', pool);
      const sum = await within(pool.run('sum', [new Float64Array([1, 2, 3.5])]), 10_000, 'sum', pool);
      const counters = pool.counters();
      pool.free();
      const describe = (v) => (v instanceof Map || v instanceof Set ? [v.constructor.name, [...v]]
        : ArrayBuffer.isView(v) ? [v.constructor.name, [...v].map(String)]
        : typeof v === 'number' ? String(Object.is(v, -0) ? '-0' : v) : v === undefined ? 'undefined' : v);
      return { same: echoed.map(describe), expected: values.map(describe), doubled, sum, counters };
    }, mode);
    assert.deepEqual(seen.same, seen.expected, 'each value came back as it went');
    assert.equal(seen.doubled, 42);
    assert.equal(seen.sum, 6.5);
    assert.equal(seen.counters.completed, 17);
    assert.equal(seen.counters.failed, 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test(`${mode}: map gives values in input order, and each job with its number and worker as it finishes, labelled`, { timeout: 60_000 }, async () => {
    const errors = [];
    const page = await jobsPage(errors);
    const seen = await page.evaluate(async (mode) => {
      const pool = await loadPool(mode, 3);
      const photos = Array.from({ length: 12 }, (_, i) => `photo-${i}.jpg`);
      const batch = pool.map('slowDouble', photos.map((name, i) => i), { label: (i) => `resize ${photos[i]}` });
      const finished = [];
      for await (const result of batch) finished.push(result);
      const values = await within(batch, 10_000, 'the batch', pool);
      const labels = finished.map((r) => pool.labelOf(r.job));
      const inOrder = await within(pool.map('double', Array.from({ length: 2000 }, (_, i) => i)), 20_000, '2000 doubles', pool);
      pool.free();
      return { values, finished, labels, inOrder };
    }, mode);
    assert.deepEqual(seen.inOrder, Array.from({ length: 2000 }, (_, i) => i * 2));
    assert.equal(seen.finished.length, 12);
    assert.deepEqual(seen.finished.map((r) => r.index).sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
    for (const result of seen.finished) {
      assert.ok(result.ok && result.worker >= 1 && result.worker <= 3, JSON.stringify(result));
      assert.ok(result.job >= 1);
    }
    assert.deepEqual(seen.labels.sort(), Array.from({ length: 12 }, (_, i) => `resize photo-${i}.jpg`).sort());
    assert.deepEqual(errors, []);
    await page.close();
  });

  test(`${mode}: a thrown error fails only its job, named; bad calls are refused by name and queue nothing`, { timeout: 60_000 }, async () => {
    const errors = [];
    const page = await jobsPage(errors);
    const seen = await page.evaluate(async (mode) => {
      const pool = await loadPool(mode, 2);
      const fields = (error) => ({ name: error.name, message: error.message, stack: String(error.stack), job: error.job, worker: error.worker });
      const settled = await within(Promise.allSettled([pool.run('double', [1]), pool.run('refuse', ['no']), pool.run('double', [3])]), 10_000, 'three jobs', pool);
      const submitted = pool.counters().submitted;
      const refusals = {};
      for (const [what, call] of Object.entries({
        missingExport: () => pool.run('noSuchFunction', [1]),
        notLoading: () => pool.run('double', [1], { module: '/no-such-module.js' }),
        crossOrigin: () => pool.run('double', [1], { module: 'https://example.com/tasks.js' }),
        uncloneable: () => pool.run('echo', [() => 1]),
        notAnArray: () => pool.run('double', 5),
        badTimeout: () => pool.run('double', [1], { timeoutMs: -1 }),
        badItems: () => pool.map('double', 7),
        endless: () => pool.map('double', (function* endless() { for (let n = 0; ; n++) yield n; })()),
      })) {
        try {
          await within(Promise.resolve(call()), 20_000, what, pool);
          refusals[what] = 'not refused';
        } catch (error) {
          refusals[what] = `${error.name}: ${error.message}`;
        }
      }
      const after = pool.counters().submitted;
      const stillWorks = await within(pool.run('double', [50]), 10_000, 'a job after the refusals', pool);
      pool.free();
      return { settled: settled.map((s) => (s.status === 'fulfilled' ? s.value : fields(s.reason))), submitted, after, refusals, stillWorks };
    }, mode);
    assert.equal(seen.settled[0], 2);
    assert.equal(seen.settled[2], 6);
    const failure = seen.settled[1];
    assert.equal(failure.name, 'BadInput');
    assert.equal(failure.message, 'refused: no');
    assert.match(failure.stack, /refuse/, 'the worker\'s stack text');
    assert.ok(failure.job >= 1 && failure.worker >= 1);
    assert.equal(seen.after, seen.submitted, 'no refused call queued anything');
    assert.match(seen.refusals.missingExport, /^MissingExport: .*noSuchFunction.*double/);
    assert.match(seen.refusals.notLoading, /^ModuleLoadError: .*no-such-module\.js/);
    assert.match(seen.refusals.crossOrigin, /^CrossOriginModule: .*example\.com/);
    assert.match(seen.refusals.uncloneable, /^DataCloneError: /);
    assert.match(seen.refusals.notAnArray, /^InvalidArguments: args 5/);
    assert.match(seen.refusals.badTimeout, /^InvalidTimeout: timeoutMs -1/);
    assert.match(seen.refusals.badItems, /^InvalidArguments: items 7/);
    assert.match(seen.refusals.endless, /^QueueFull: map was given more than 2,000,000 items/);
    assert.equal(seen.stillWorks, 100);
    await page.close();
  });

  test(`${mode}: ten jobs that never end time out, their workers are replaced, and every other job runs once`, { timeout: 90_000 }, async () => {
    const errors = [];
    const page = await jobsPage(errors);
    const seen = await page.evaluate(async (mode) => {
      const pool = await loadPool(mode, 2);
      const stuck = Array.from({ length: 10 }, () => pool.run('forever', [], { timeoutMs: 150 }).catch((error) => error.name));
      const others = pool.map('double', Array.from({ length: 40 }, (_, i) => i));
      const names = await within(Promise.all(stuck), 60_000, 'ten timeouts', pool);
      const values = await within(others, 30_000, 'the other jobs', pool);
      await within(pool.done(), 10_000, 'the pool to be idle', pool);
      const events = pool.takeEvents();
      const width = pool.constructor.eventFields().length;
      const jobs = Array.from({ length: events.length / width }, (_, i) => events[i * width]);
      const result = { names, values, counters: pool.counters(), live: pool.liveWebWorkers, lost: pool.lostWorkers, jobs };
      pool.free();
      return result;
    }, mode);
    assert.deepEqual(seen.names, Array(10).fill('TimedOut'));
    assert.deepEqual(seen.values, Array.from({ length: 40 }, (_, i) => i * 2));
    assert.equal(seen.counters.timed_out ?? seen.counters.timedOut, 10);
    assert.equal(seen.live, 2, 'exactly the pool size in live Web Workers');
    assert.equal(seen.lost, 10);
    assert.equal(new Set(seen.jobs).size, seen.jobs.length, 'each job once in the trace');
    assert.equal(seen.jobs.length, 50);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test(`${mode}: a long map runs in chunk jobs: each item once, in order, with its chunk's job and label; a throw fails its item alone; abort ends the rest`, { timeout: 90_000 }, async () => {
    const errors = [];
    const page = await jobsPage(errors);
    const seen = await page.evaluate(async (mode) => {
      const pool = await loadPool(mode, 2);
      const count = 10_000;
      const batch = pool.map('double', Array.from({ length: count }, (_, i) => i));
      const finished = [];
      for await (const result of batch) finished.push({ index: result.index, job: result.job, ok: result.ok, value: result.value });
      const values = await within(batch, 30_000, 'the chunked batch', pool);
      const jobs = [...new Set(finished.map((r) => r.job))];
      const labels = Object.fromEntries(jobs.map((job) => [job, pool.labelOf(job)]));
      await within(pool.done(), 10_000, 'idle', pool);
      const afterChunks = pool.counters();

      const mixed = pool.map('doubleBut13', Array.from({ length: 100 }, (_, i) => i), { chunk: 10 });
      const mixedResults = [];
      for await (const result of mixed) mixedResults.push(result.ok ? { index: result.index, value: result.value } : { index: result.index, name: result.error.name, job: result.error.job, at: result.error.index });
      const mixedAll = await mixed.then(() => 'resolved', (error) => `${error.name}: ${error.message}`);

      const controller = new AbortController();
      const slow = pool.map('slowDouble', Array.from({ length: 200 }, (_, i) => i), { chunk: 20, signal: controller.signal });
      const slowResults = [];
      for await (const result of slow) {
        if (slowResults.length === 0) controller.abort();
        slowResults.push(result.ok ? { index: result.index, value: result.value } : { index: result.index, name: result.error.name, message: result.error.message });
      }
      await within(pool.done(), 10_000, 'idle after the abort', pool);
      const refused = [{ chunk: 0 }, { chunk: 2.5 }, { chunk: 'big' }, { chunk: 4, label: String }].map((options) => {
        const bad = pool.map('double', [1, 2, 3], options);
        return bad.then(() => 'ran', (error) => error.name);
      });
      const result = { values, finished, jobs, labels, afterChunks, mixedResults, mixedAll, slowResults, refused: await Promise.all(refused), counters: pool.counters() };
      pool.free();
      return result;
    }, mode);
    assert.deepEqual(seen.values, Array.from({ length: 10_000 }, (_, i) => i * 2));
    assert.equal(seen.finished.length, 10_000);
    assert.deepEqual(seen.finished.map((r) => r.index).sort((a, b) => a - b), Array.from({ length: 10_000 }, (_, i) => i), 'each item once');
    assert.ok(seen.jobs.length >= 8 && seen.jobs.length <= 100, `a few dozen chunk jobs, not one per item: ${seen.jobs.length}`);
    assert.equal(seen.afterChunks.completed, seen.jobs.length, 'the pool counted one job per chunk');
    for (const { index, job } of seen.finished) {
      const [, first, last] = /^items (\d+)-(\d+)$/.exec(seen.labels[job]) ?? [];
      assert.ok(Number(first) <= index && index <= Number(last), `item ${index} ran in job ${job}, labelled ${seen.labels[job]}`);
    }
    assert.equal(seen.mixedResults.length, 100);
    for (const result of seen.mixedResults) {
      if (result.index === 13) assert.deepEqual({ ...result, job: 0 }, { index: 13, name: 'BadInput', job: 0, at: 13 });
      else assert.equal(result.value, result.index * 2, JSON.stringify(result));
    }
    assert.ok(seen.mixedResults.find((r) => r.index === 13).job >= 1, 'the error names its job');
    assert.match(seen.mixedAll, /^BadInput: refused: 13$/);
    assert.equal(seen.slowResults.length, 200, 'each item settled once after the abort');
    assert.deepEqual(seen.slowResults.map((r) => r.index).sort((a, b) => a - b), Array.from({ length: 200 }, (_, i) => i));
    const ran = seen.slowResults.filter((r) => r.value !== undefined);
    assert.ok(ran.length >= 1 && ran.length < 200, `some items ran before the abort, not all: ${ran.length}`);
    for (const r of ran) assert.equal(r.value, r.index * 2);
    const aborted = seen.slowResults.filter((r) => r.value === undefined);
    assert.ok(aborted.every((r) => r.name === 'AbortError'), JSON.stringify(aborted.slice(0, 3)));
    assert.ok(aborted.some((r) => /before it ran/.test(r.message)), 'the running chunk stopped at its next item');
    assert.ok(aborted.some((r) => /while it waited/.test(r.message)), 'the waiting chunks were withdrawn');
    assert.deepEqual(seen.refused, ['InvalidOption', 'InvalidOption', 'InvalidOption', 'InvalidOption']);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test(`${mode}: chunk: 'auto' sizes a function's next map from its measured cost: chunks for a cheap one, a job per item for a dear one`, { timeout: 90_000 }, async () => {
    const errors = [];
    const page = await jobsPage(errors);
    const seen = await page.evaluate(async (mode) => {
      const pool = await loadPool(mode, 2);
      const jobsOf = async (name, count) => {
        const before = pool.counters().completed;
        const values = await within(pool.map(name, Array.from({ length: count }, (_, i) => i)), 60_000, `a map of ${count} ${name}`, pool);
        if (values.some((v, i) => v !== i * 2)) throw new Error(`${name}: a wrong value`);
        await within(pool.done(), 10_000, 'idle', pool);
        return pool.counters().completed - before;
      };
      const result = {
        cheap: [await jobsOf('double', 200_000), await jobsOf('double', 200_000)],
        dear: [await jobsOf('slowDouble', 64), await jobsOf('slowDouble', 64)],
      };
      pool.free();
      return result;
    }, mode);
    assert.equal(seen.cheap[0], Math.ceil(200_000 / 1024), 'unmeasured: chunks of 1,024');
    // Measured cheap: chunks of about 2 ms of it (a runner's own cost per item included), still many items each.
    assert.ok(seen.cheap[1] >= 32 && seen.cheap[1] <= 200_000 / 16, `measured cheap: chunks of many items (${seen.cheap} jobs)`);
    assert.equal(seen.dear[0], 32, 'unmeasured: 64 items, 2 a job (16 jobs per worker)');
    assert.equal(seen.dear[1], 64, 'measured at 5-15 ms an item: a job per item');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test(`${mode}: abort drops a waiting job (it never runs) and tells a running one; progress and transfer`, { timeout: 60_000 }, async () => {
    const errors = [];
    const page = await jobsPage(errors);
    const seen = await page.evaluate(async (mode) => {
      const pool = await loadPool(mode, 1);
      const controller = new AbortController();
      const running = pool.run('untilAborted', [], { signal: controller.signal });
      const waiting = pool.run('double', [5], { signal: controller.signal }).catch((error) => `${error.name} job ${error.job}`);
      await within(new Promise((resolve) => { const check = () => (pool.counters().running === 1 ? resolve() : setTimeout(check, 5)); check(); }), 10_000, 'the first job to run', pool);
      controller.abort();
      const aborted = await within(Promise.all([running, waiting]), 10_000, 'the aborted jobs', pool);
      const progress = [];
      const steps = await within(pool.run('stepwise', [4], { onProgress: (value) => progress.push(value) }), 10_000, 'progress', pool);
      const numbers = new Float64Array(1 << 19).fill(1.5); // 4 MB
      const doubled = await within(pool.run('doubleAll', [numbers], { transfer: [numbers.buffer] }), 10_000, 'the transfer', pool);
      await within(pool.done(), 10_000, 'idle', pool);
      const result = { aborted, progress, steps, movedAway: numbers.byteLength, back: [doubled.length, doubled[0], doubled.constructor.name], counters: pool.counters() };
      pool.free();
      return result;
    }, mode);
    assert.equal(seen.aborted[0], 'aborted: AbortError', 'the running job saw its signal');
    assert.match(seen.aborted[1], /^AbortError job \d+$/);
    assert.equal(seen.counters.cancelled, 1, 'the waiting job was reported cancelled');
    assert.equal(seen.counters.completed, 3, 'it never ran');
    assert.deepEqual(seen.progress, [0.25, 0.5, 0.75, 1]);
    assert.equal(seen.steps, 4);
    assert.equal(seen.movedAway, 0, 'the buffer moved to the worker');
    assert.deepEqual(seen.back, [1 << 19, 3, 'Float64Array']);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('shared: a large argument reaches its worker while the page is busy, and the holder of such arguments ends with the pool', { timeout: 60_000 }, async () => {
  const errors = [];
  const page = await jobsPage(errors);
  const seen = await page.evaluate(async () => {
    const pool = await loadPool('shared', 1);
    const carried = () => new Float64Array(1 << 17); // 1 MB: too large for the queue
    await within(pool.run('startedAt', [carried()]), 10_000, 'a first job with a large argument', pool);
    const moved = carried();
    const started = pool.run('startedAt', [moved], { transfer: [moved.buffer] });
    const busyFrom = performance.timeOrigin + performance.now();
    let busyUntil = busyFrom;
    while (busyUntil < busyFrom + 1000) busyUntil = performance.timeOrigin + performance.now(); // the page's thread does nothing else
    const startedAtMs = await within(started, 10_000, 'the job queued before the busy second', pool);
    // A waiting job's large argument is dropped when it is aborted.
    const controller = new AbortController();
    const running = pool.run('untilAborted', [], { signal: controller.signal });
    const dropped = pool.run('sum', [carried()], { signal: controller.signal }).catch((error) => error.name);
    await within(new Promise((resolve) => { const check = () => (pool.counters().running === 1 ? resolve() : setTimeout(check, 5)); check(); }), 10_000, 'the first job to run', pool);
    controller.abort();
    const aborted = await within(Promise.all([running, dropped]), 10_000, 'the aborted jobs', pool);
    const after = await within(pool.run('sum', [new Float64Array(1 << 17).fill(1)]), 10_000, 'a job after the abort', pool);
    pool.free();
    return { startedInside: startedAtMs < busyUntil, lateBy: startedAtMs - busyFrom, movedAway: moved.byteLength, aborted, after };
  });
  assert.ok(seen.startedInside, `the job began ${seen.lateBy.toFixed(0)} ms after the page's busy second began: it waited for the page`);
  assert.equal(seen.movedAway, 0, 'the buffer moved, not copied');
  assert.deepEqual(seen.aborted, ['aborted: AbortError', 'AbortError']);
  assert.equal(seen.after, 1 << 17);
  const end = Date.now() + 10_000;
  while (page.workers().some((worker) => worker.url().includes('args-broker'))) {
    assert.ok(Date.now() < end, `waited 10 s for the args broker to end after free(): ${page.workers().map((worker) => worker.url()).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('shared: a job sees its context, and module state is per worker', { timeout: 60_000 }, async () => {
  const errors = [];
  const page = await jobsPage(errors);
  const seen = await page.evaluate(async () => {
    const pool = await loadPool('shared', 1);
    const me = await within(pool.run('whoAmI', [], { label: 'me' }), 10_000, 'whoAmI', pool);
    const counts = await within(pool.map('countCalls', [1, 2, 3]), 10_000, 'counts', pool);
    pool.free();
    return { me, counts };
  });
  assert.deepEqual(seen.me, { job: 1, worker: 1, label: 'me' });
  assert.deepEqual(seen.counts, [1, 2, 3], 'one worker, its module imported once');
  assert.deepEqual(errors, []);
  await page.close();
});

test('jobs.html: the article\'s worker in JS, watched: 5 jobs on 3 workers, each log line with its value', { timeout: 60_000 }, async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/jobs.html`, errors);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Run the article\'s 5 jobs' }).click();
  await page.waitForFunction(() => document.querySelector('#results').textContent.startsWith('Results'), null, { timeout: 30_000 });
  assert.equal(await page.locator('#results').textContent(), 'Results: 2, 4, 6, 8, 10');
  // The views read the pool once a frame: wait for the fifth line.
  const fiveLines = () => document.querySelector('.poolscope-watch')?.shadowRoot.querySelector('[role="log"] ol')?.children.length === 5;
  await page.waitForFunction(fiveLines, null, { timeout: 10_000 }).catch(async () => {
    assert.fail(`waited 10 s for 5 log lines: ${await page.getByRole('log').innerText()}`);
  });
  const lines = (await page.getByRole('log').innerText()).split('\n').map((line) => line.trim()).filter(Boolean);
  const parsed = lines.map((line) => line.match(/^Job (\d+) \(article job (\d)\) is done by worker ([123]): (\d+)$/));
  assert.ok(parsed.every(Boolean), `each line in the article's words, with its label and value: ${JSON.stringify(lines)}`);
  for (const [, , n, , value] of parsed) assert.equal(Number(value), Number(n) * 2, `job for ${n} gave twice it`);
  assert.deepEqual(parsed.map((m) => Number(m[2])).sort(), [1, 2, 3, 4, 5]);
  assert.ok(new Set(parsed.map((m) => m[3])).size >= 2, 'more than one worker took jobs');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the playground with work=js: the same jobs in JavaScript, each logged with its value, job 3 failing alone, each once', { timeout: 90_000 }, async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/?work=js&pool=3&jobs=12&kind=sleep&cost=40&fail=3&autorun=1`, errors);
  await waitForState(page, 'done');
  const lines = (await page.getByRole('log').innerText()).split('\n').map((line) => line.trim()).filter(Boolean);
  assert.equal(lines.length, 12, `a line per job: ${JSON.stringify(lines)}`);
  const jobs = [];
  for (const line of lines) {
    const done = line.match(/^Job (\d+) is done by worker ([123]): (\d+)$/);
    const failed = line.match(/^Job (\d+) failed on worker [123]: Error: job 3 failed on purpose \(fail=3\)$/);
    assert.ok(done || failed, `a line in the article's words, with its value: ${line}`);
    if (done) assert.equal(Number(done[3]), Number(done[1]) * 2, `job ${done[1]} sends twice its number`);
    else assert.equal(failed[1], '3');
    jobs.push(Number((done ?? failed)[1]));
  }
  assert.deepEqual(jobs.sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i + 1), 'each job once');
  const status = await page.locator('pool-playground').evaluate((element) => element.shadowRoot.querySelector('.status').textContent);
  assert.match(status, /^Done: 12 jobs on 3 workers .* 1 failed/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('jobs.html: a running JS job is drawn as it runs, its bar filled as far as its progress', { timeout: 60_000 }, async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/jobs.html`, errors);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 30_000 });
  const job = await page.evaluate(() => {
    const { pool } = window.poolscopeJobsDemo;
    window.halfway = pool.run('halfway', [3000], { label: 'half' });
    window.plain = pool.run('later', [3000, 'x']);
    return pool.counters().submitted;
  });
  const runningBars = () => page.evaluate(() => window.poolscopeJobsDemo.watch.timeline.model.running);
  const counters = () => page.evaluate(() => window.poolscopeJobsDemo.pool.counters());
  await page.waitForFunction(() => {
    const running = window.poolscopeJobsDemo.watch.timeline.model.running;
    return running.length === 2 && running.some((r) => r.progress === 0.5);
  }, null, { timeout: 10_000 }).catch(async () => {
    assert.fail(`waited 10 s for two running bars, one half filled: ${JSON.stringify(await runningBars())}, counters ${JSON.stringify(await counters())}`);
  });
  const bars = await runningBars();
  assert.deepEqual(bars.map((r) => r.progress).sort(), [0.5, null], 'the job that said nothing has an outline only');
  assert.ok(bars.every((r) => r.job >= job - 1 && r.worker >= 1), JSON.stringify(bars));
  assert.equal(await page.evaluate(() => window.halfway), 'done');
  await page.waitForFunction(() => window.poolscopeJobsDemo.watch.timeline.model.running.length === 0, null, { timeout: 10_000 }).catch(async () => {
    assert.fail(`waited 10 s for the running bars to go once the jobs ended: ${JSON.stringify(await runningBars())}, counters ${JSON.stringify(await counters())}`);
  });
  assert.deepEqual(errors, []);
  await page.close();
});
