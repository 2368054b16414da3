// Both builds refuse the same mistake with the same name and text (issue
// #14): the shared-memory pool (pkg/) and the message-passing one
// (pkg-fallback/), from the JS API. Both are the same Rust now; this keeps
// them so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, openPage, startServer } from './harness.mjs';

let browser;
let server;
before(async () => {
  browser = await launchChromium();
  server = await startServer();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/// `{ name, message }` of what each bad call throws, in `mode`.
const refusals = (page, mode) => page.evaluate(async (mode) => {
  const { loadPoolscope } = await import('/poolscope.js');
  const { Pool } = await loadPoolscope(mode);
  const attempt = (make) => {
    try {
      make().free?.();
      return null;
    } catch (error) {
      return { name: error.name, message: error.message };
    }
  };
  const pool = new Pool(1);
  const seen = {
    size0: attempt(() => new Pool(0)),
    size65: attempt(() => new Pool(65)),
    sizeHalf: attempt(() => new Pool(2.5)),
    resize0: attempt(() => pool.resize(0)),
    capacity0: attempt(() => new Pool(2, { capacity: 0 })),
    timeoutZero: attempt(() => new Pool(2, { jobTimeoutMs: 0 })),
    timeoutHuge: attempt(() => new Pool(2, { jobTimeoutMs: 4_000_000 })),
    kind: attempt(() => pool.submit('teleport', 1, 1)),
    cost: attempt(() => pool.submitCosts('cpu', [-1])),
    count: attempt(() => pool.submit('noop', -1, 0)),
    traceCapacity0: attempt(() => new Pool(2, { traceCapacity: 0 })),
    quota0: attempt(() => new Pool(2, { jobsPerWorker: 0 })),
  };
  // Refusals that depend on what the pool holds: long jobs keep it so.
  const bounded = new Pool(1, { capacity: 3 });
  bounded.submit('sleep', 3, 300);
  const full = attempt(() => bounded.submitCosts('noop', new Float64Array(10)));
  seen.full = { name: full?.name, message: full?.message.replace(/room for \d/, 'room for N') };
  const busy = new Pool(2);
  busy.submit('sleep', 6, 300);
  seen.partitionBusy = attempt(() => busy.submitPartitioned('noop', [0, 0]));
  const sliced = new Pool(2);
  sliced.submitPartitioned('sleep', [300, 300, 300, 300, 300, 300]);
  seen.partitionFixed = attempt(() => sliced.resize(3));
  for (const held of [bounded, busy, sliced]) {
    held.stop();
    held.free();
  }
  pool.stop();
  seen.stopped = attempt(() => pool.submit('noop', 1, 0));
  seen.stoppedWait = await pool.submitWait('noop', [0]).then(() => null, (error) => ({ name: error.name, message: error.message }));
  pool.free();
  return seen;
}, mode);

test('the shared-memory pool and the fallback name and word every refusal alike, a test per name', async () => {
  const page = await openPage(browser.context, `${server.origin}/docs-example.html`);
  const shared = await refusals(page, 'shared');
  const fallback = await refusals(page, 'fallback');
  assert.deepEqual(fallback, shared);
  assert.deepEqual(shared.size0, { name: 'InvalidSize', message: 'pool size 0 is out of range: it must be a whole number from 1 to 64' });
  assert.deepEqual(shared.sizeHalf, { name: 'InvalidSize', message: 'pool size 2.5 is out of range: it must be a whole number from 1 to 64' });
  assert.equal(shared.capacity0.name, 'InvalidCapacity');
  assert.deepEqual(shared.quota0, { name: 'InvalidJobsPerWorker', message: 'jobs per worker 0 is out of range: it must be at least 1' });
  assert.deepEqual([shared.timeoutZero.name, shared.timeoutHuge.name], ['InvalidTimeout', 'InvalidTimeout']);
  assert.deepEqual([shared.kind.name, shared.cost.name, shared.stopped.name], ['UnknownKind', 'InvalidCost', 'PoolStopped']);
  assert.deepEqual(
    [shared.count.name, shared.traceCapacity0.name, shared.quota0.name, shared.full.name, shared.partitionBusy.name, shared.partitionFixed.name, shared.stoppedWait.name],
    ['OutOfRange', 'InvalidTraceCapacity', 'InvalidJobsPerWorker', 'QueueFull', 'PartitionBusy', 'PartitionFixed', 'PoolStopped'],
  );
  assert.match(shared.full.message, /^cannot queue 10 jobs: this pool has room for N more/);
  await page.close();
});
