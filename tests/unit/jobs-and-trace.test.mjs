// Job sets (www/jobs.js), the trace export (www/trace.js) and the compare
// view's sentence (www/compare.js), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failingJobs, jobCosts } from '../../www/lib/jobs.js';
import { RunModel } from '../../www/lib/run.js';
import { chromeTrace } from '../../www/lib/trace.js';
import { explain } from '../../www/lib/compare.js';

// What the module's class says (PoolscopePool.eventFields(), outcomes(), kinds()): the views copy none of it.
const NAMES = {
  eventFields: () => ['job', 'worker', 'kind', 'queued', 'started', 'finished', 'outcome', 'value'],
  outcomes: () => ['completed', 'failed', 'timed out', 'cancelled'],
  kinds: () => ['cpu', 'sleep', 'noop', 'closure', 'call'],
};
const [COMPLETED, FAILED, , CANCELLED] = [0, 1, 2, 3];

test('the same settings and seed give the same costs; each distribution has its shape', () => {
  const settings = { jobs: 50, cost: 100, seed: 7 };
  assert.deepEqual(jobCosts({ ...settings, dist: 'random' }), jobCosts({ ...settings, dist: 'random' }));
  assert.notDeepEqual(jobCosts({ ...settings, dist: 'random' }), jobCosts({ ...settings, seed: 8, dist: 'random' }));
  assert.ok(jobCosts({ ...settings, dist: 'random' }).every((c) => c >= 50 && c < 150));
  const heavy = [...jobCosts({ ...settings, dist: 'heavy' })];
  assert.deepEqual(heavy.filter((c) => c === 1000).length, 1, 'one job ten times the rest');
  assert.equal(heavy.filter((c) => c === 100).length, 49);
  const increasing = jobCosts({ ...settings, dist: 'increasing' });
  assert.equal(increasing[0], 2);
  assert.equal(increasing[49], 100);
  assert.deepEqual([...failingJobs({ jobs: 5, fail: [2, 5, 9] })], [0, 1, 0, 0, 1], 'jobs past the end are ignored');
});

test('the trace has a track per worker and a slice per job that ran, with labels and messages', () => {
  const model = new RunModel({ jobs: 3, pool: 2, work: 'synthetic' }, NAMES, [10, 10, 10], () => 1000);
  model.startedMs = 1000;
  model.labels.set(1, 'tile 0,0');
  model.messages.set(2, 'boom');
  model.add(Float64Array.from([
    1, 1, 3, 1000, 1001, 1011, COMPLETED, 0,
    2, 2, 0, 1000, 1002, 1005, FAILED, 0,
    3, 0, 0, 1000, 1020, 1020, CANCELLED, 0,
  ]));
  const { traceEvents } = chromeTrace(model);
  const slices = traceEvents.filter((e) => e.ph === 'X');
  assert.deepEqual(slices.map((e) => [e.tid, e.name, e.ts, e.dur, e.cat, e.args.outcome]), [
    [1, 'Job 1 (tile 0,0)', 1000, 10000, 'closure', 'completed'],
    [2, 'Job 2', 2000, 3000, 'cpu', 'failed'],
  ], 'times in µs from the run\'s start; the cancelled job has no slice');
  assert.equal(slices[1].args.message, 'boom');
  assert.deepEqual(traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args.name), ['worker 1', 'worker 2']);
  assert.equal(model.duplicates, 0);
  assert.equal(model.missing, 0);
});

test('the comparison says why the partition fell behind when it did', () => {
  const result = (strategy, wallMs, idlePercent = 0) => ({ strategy, wallMs, startupMs: 10, idlePercent, busy: [] });
  const sentence = explain([result('pool', 1000), result('partition', 1500, 40), result('unbounded', 1100)], { dist: 'heavy' });
  assert.match(sentence, /^The fixed partition took 1\.50× as long as the shared queue: .*heavy costs .*40% idle/);
  assert.match(explain([result('pool', 1000), result('partition', 1010)], { dist: 'equal' }), /^pool \(shared queue\) was fastest \(1\.00 s\)/);
  assert.match(explain([result('pool', 1000), result('rayon', 900)], { dist: 'equal' }), /^rayon \(work stealing\) was fastest/, 'the menu\'s words, as a sentence says them');
  assert.match(explain([result('pool', 1000), result('unbounded', 900)], { dist: 'equal' }), /^a worker per job was fastest/);
});

test('the views count a chunk job\'s items: a closure or call job\'s value is how many items it ran', () => {
  const model = new RunModel({ jobs: 4, pool: 2, work: 'synthetic' }, NAMES, [], () => 1000);
  model.add(Float64Array.from([
    1, 1, 3, 1000, 1001, 1011, COMPLETED, 4096, // Job 1 (items 0-4095)
    2, 2, 3, 1000, 1002, 1005, COMPLETED, 1, // Job 2 (item 4096)
    3, 2, 3, 1000, 1005, 1006, FAILED, 0, // a chunk that panicked: its items did not finish
    4, 1, 0, 1000, 1011, 1020, COMPLETED, 7, // a built-in job is one item, whatever its value
    5, 2, 4, 1000, 1020, 1030, COMPLETED, 625, // a JS map's chunk job (a call) counts its items too
  ]));
  assert.equal(model.count, 5, 'jobs');
  assert.equal(model.items, 4096 + 1 + 1 + 625, 'items');
});
