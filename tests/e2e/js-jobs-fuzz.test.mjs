// The JS API under random calls (fast-check, from npm): sequences of
// `run`, `map`, `resize`, `submit`, `cancel`, `jobProgress` and
// `takeJobValues` with random picks of good and bad values, for every
// argument and option, in both modes. Each call must work or be refused
// with a named error; afterwards the pool must go idle (no hang), every
// job must be in the trace once, the counters must add up, and the pool
// must have its size in live Web Workers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openPage, useBrowser } from './harness.mjs';

const session = useBrowser(before, after);

/// What a random call picks from, by index (built in the page: functions,
/// signals and buffers cannot cross from Node).
const PALETTE_SIZE = 43;

/// Runs one random sequence of calls on a new pool in the page; returns what broke, or null.
async function runSequence([mode, calls]) {
  {
    const { loadPoolscope } = await import('/api.js');
    const api = await loadPoolscope(mode);
    const aborted = new AbortController();
    aborted.abort();
    const later = new AbortController();
    const hundred = Array.from({ length: 100 }, (_, i) => i); // map cuts it into chunk jobs
    const palette = [
      0, -1, 1, 2, 3, 1.5, NaN, Infinity, 1e9, 65, 'abc', '', 'double', 'refuse', 'forever', 'echo', 'later', 'nope',
      null, undefined, {}, [], [1], [[1, 2]], [5, 'x'], () => 1, Symbol('s'), new Map([[1, 2]]), later.signal,
      new URL('/tasks.js', location.href), 'https://example.com/tasks.js', '/no-such-module.js', 10n,
      { timeoutMs: -5 }, { timeoutMs: 30 }, { label: 5 }, { label: 'x'.repeat(300) }, { signal: aborted.signal },
      { partition: 'yes' }, { transfer: [new ArrayBuffer(8)] }, { chunk: 3 }, { chunk: 0 }, hundred,
    ];
    const pick = (i) => palette[i % palette.length];
    // Function names: mostly real ones, so that jobs run, fail and time out.
    const names = ['double', 'echo', 'slowDouble', 'refuse', 'later', 'stepwise', 'forever', 'untilAborted', 'nope', 5];
    const nameOf = (i) => (i < 30 ? names[i % names.length] : pick(i));
    // Arguments: mostly arrays (run) and items (map) that reach a worker.
    const argLists = [[1], [2], [[1, 2]], [5, 'x'], [], [20, 'v'], [new Map([[1, 2]])], [new Uint8Array(4)], hundred];
    const argsOf = (i) => (i < 27 ? argLists[i % argLists.length] : pick(i));
    const pool = new api.Pool(2, { module: new URL('/tasks.js', location.href), jobTimeoutMs: 1500 });
    await pool.ready();
    const settled = [];
    const problems = [];
    const named = (error, what) => {
      if (!(error instanceof Error) || !error.name || error.name === 'Error' || !error.message) {
        problems.push(`${what} failed without a named error: ${String(error?.name)}: ${String(error?.message ?? error)}`);
      }
    };
    for (const [method, a, b, c] of calls) {
      const what = `${method}(${[a, b, c].map((i) => { try { return String(pick(i)).slice(0, 30); } catch { return typeof pick(i); } }).join(', ')}) [indices ${a}, ${b}, ${c}]`;
      try {
        let result;
        switch (method) {
          case 'run': result = pool.run(nameOf(a), argsOf(b), pick(c)); break;
          // `forever` over many items is a timeout per chunk (1.5 s each): runs, not map, try it.
          case 'map': result = pool.map(nameOf(a) === 'forever' ? 'slowDouble' : nameOf(a), argsOf(b), pick(c)); break;
          case 'resize': result = pool.resize(pick(a)); break;
          case 'submit': result = pool.submit(pick(a), pick(b), pick(c)); break;
          case 'cancel': result = pool.cancel(); break;
          case 'abort': later.abort(); break;
          case 'jobProgress': result = pool.jobProgress(); break;
          case 'takeJobValues': result = pool.takeJobValues(); break;
        }
        if (result && typeof result.then === 'function') {
          settled.push(Promise.resolve(result).then(() => {}, (error) => named(error, what)));
        }
      } catch (error) {
        named(error, what);
      }
    }
    // Each deadline's timer is cleared when its wait ends: it must not read the pool after `free`.
    const deadline = (promise, ms, what) => {
      let timer;
      const late = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${what}: counters ${JSON.stringify(pool.counters())}, live ${pool.liveWebWorkers}`)), ms);
      });
      return Promise.race([promise, late]).finally(() => clearTimeout(timer));
    };
    try {
      await deadline(Promise.all(settled), 20_000, 'every call to settle');
      await deadline(pool.done(), 20_000, 'the pool to go idle');
      await deadline(new Promise((resolve) => { const check = () => (pool.liveWebWorkers === pool.counters().workers ? resolve() : setTimeout(check, 10)); check(); }),
        10_000, 'live Web Workers to match the pool size');
    } catch (error) {
      problems.push(error.message);
    }
    const counters = pool.counters();
    if (counters.submitted !== counters.completed + counters.failed + counters.cancelled) problems.push(`counters do not add up: ${JSON.stringify(counters)}`);
    const events = pool.takeEvents();
    const width = api.eventFields().length;
    const jobs = new Set();
    for (let i = 0; i < events.length; i += width) {
      if (jobs.has(events[i])) problems.push(`job ${events[i]} twice in the trace`);
      jobs.add(events[i]);
    }
    if (jobs.size !== counters.submitted) problems.push(`${jobs.size} jobs in the trace, ${counters.submitted} submitted`);
    pool.free();
    return problems.length > 0 ? problems.join('; ') : null;
  }
}

const call = fc.tuple(
  fc.constantFrom('run', 'run', 'run', 'map', 'map', 'resize', 'submit', 'cancel', 'abort', 'jobProgress', 'takeJobValues'),
  fc.nat(PALETTE_SIZE - 1), fc.nat(PALETTE_SIZE - 1), fc.nat(PALETTE_SIZE - 1),
);

for (const mode of ['shared', 'fallback']) {
  test(`${mode}: random calls of every method and option work or are refused by name, and lose or double no job`, { timeout: 600_000 }, async () => {
    const errors = [];
    const page = await openPage(session.context, `${session.origin}/jobs.html`, errors);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 30_000 });
    await fc.assert(fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), async (calls) => {
      // The page's own deadlines bound every wait; this one catches a page that froze.
      let timer;
      const frozen = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the page did not answer within 90 s (frozen?) running ${JSON.stringify(calls)}`)), 90_000);
      });
      const broke = await Promise.race([page.evaluate(runSequence, [mode, calls]), frozen]).finally(() => clearTimeout(timer));
      assert.equal(broke, null, `calls ${JSON.stringify(calls)}: ${broke}`);
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 25), seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true });
    assert.deepEqual(errors.filter((e) => !e.includes('no-such-module')), []);
    await page.close();
  });
}
