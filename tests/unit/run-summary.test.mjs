// The element's words about a run (www/lib/run-summary.js), without a
// browser: the status line as a run starts, ends or is compared, the
// `poolscope-run` summary and `poolscope-job` detail, and the screen
// readers' progress line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunModel } from '../../www/lib/run.js';
import { DEFAULTS } from '../../www/lib/settings.js';
import { ANNOUNCE_EACH_UP_TO, ANNOUNCE_EVERY_MS, comparedText, endedText, jobEventDetail, progressLine, resizedText, runningText, summaryData } from '../../www/lib/run-summary.js';

// What the module's class says (PoolscopePool.eventFields(), outcomes(), kinds()).
const NAMES = {
  eventFields: () => ['job', 'worker', 'kind', 'queued', 'started', 'finished', 'outcome', 'value'],
  outcomes: () => ['completed', 'failed', 'timed out', 'cancelled'],
  kinds: () => ['cpu', 'sleep', 'noop', 'closure'],
};
const [COMPLETED, FAILED, TIMED_OUT, CANCELLED] = [0, 1, 2, 3];

/// A finished run of 4 jobs of 100 ms on 2 workers, 0.25 s on the wall:
/// job 1 and 2 completed, job 3 failed, job 4 as `lastOutcome`.
function endedModel(settings = {}, lastOutcome = COMPLETED) {
  const model = new RunModel({ ...DEFAULTS, jobs: 4, pool: 2, cost: 100, ...settings }, NAMES, [100, 100, 100, 100], () => 1000);
  model.add(Float64Array.from([
    1, 1, 0, 1000, 1000, 1100, COMPLETED, 0,
    2, 2, 0, 1000, 1000, 1100, COMPLETED, 0,
    3, 1, 0, 1000, 1100, 1200, FAILED, 0,
    4, lastOutcome === CANCELLED ? 0 : 2, 0, 1000, 1100, 1200, lastOutcome, 0,
  ]));
  model.endedMs = 1250;
  return model;
}

const run = (model, more = {}) => ({ model, workload: null, stopped: false, notes: [], counters: { completed: 3, failed: 1 }, check: null, ...more });

test('a finished run says its jobs, workers, wall time, speed-up and failures, then the strategy\'s notes', () => {
  const model = endedModel({}, COMPLETED);
  assert.equal(endedText(run(model)),
    'Done: 4 jobs on 2 workers in 0.25 s, 1.20× the speed of one worker. 1 failed: see the log.',
    'the speed-up counts the completed jobs\' costs as asked: 300 ms over 250 ms');
  assert.equal(endedText(run(model, { notes: ['Capacity raised to 4.', 'Costs sorted.'] })),
    'Done: 4 jobs on 2 workers in 0.25 s, 1.20× the speed of one worker. 1 failed: see the log. Capacity raised to 4. Costs sorted.');
  const timedOut = endedModel({}, TIMED_OUT);
  assert.match(endedText(run(timedOut)), / 2 failed: see the log\.$/, 'a timed-out job counts as failed');
});

test('a stopped run says how many jobs ran and how many were cancelled', () => {
  const model = endedModel({}, CANCELLED);
  assert.equal(endedText(run(model, { stopped: true })), 'Stopped after 3 jobs; 1 queued jobs were cancelled (0.25 s). 1 failed: see the log.');
});

test('a real workload counts its own nouns, and its speed-up against its one-thread check', () => {
  const workload = { noun: 'tile', describe: (s) => `a ${s.size} Mandelbrot in ${s.tile} px tiles` };
  const model = endedModel({ work: 'mandelbrot' });
  assert.equal(endedText(run(model, { workload })), 'Done: 4 tiles on 2 workers in 0.25 s. 1 failed: see the log.', 'no check yet: no speed-up');
  model.oneThreadMs = 500;
  assert.equal(endedText(run(model, { workload })),
    'Done: 4 tiles on 2 workers in 0.25 s, 2.00× as fast as one thread (0.50 s for the check). 1 failed: see the log.');
  assert.equal(runningText({ ...DEFAULTS, work: 'mandelbrot', strategy: 'partition', pool: 1 }, workload, 96),
    'Running a 768x512 Mandelbrot in 64 px tiles, strategy partition, 1 worker…');
});

test('poolscope-run\'s summary: the run\'s numbers, as PoolscopeRunDetail lists them', () => {
  const model = endedModel({ strategy: 'partition' }, CANCELLED);
  const summary = summaryData(run(model, { stopped: true, counters: { completed: 2, failed: 1 }, check: { matches: true } }));
  assert.deepEqual(summary, {
    strategy: 'partition', work: 'synthetic', workers: 2, jobs: 4, ran: 3, completed: 2, failed: 1,
    cancelled: 1, duplicates: 0, missing: 0, wallMs: 250, speedup: 200 / 250, stopped: true, resultMatches: true,
  });
  assert.equal(summaryData(run(model)).resultMatches, null, 'synthetic jobs have no result to check');
});

test('poolscope-job\'s detail: one finished job, its label and its outcome by name', () => {
  const model = endedModel({}, CANCELLED);
  model.labels.set(2, 'tile 0,64');
  assert.deepEqual(jobEventDetail(model, 1), { job: 2, worker: 2, label: 'tile 0,64', queuedMs: 1000, startedMs: 1000, finishedMs: 1100, outcome: 'completed' });
  assert.deepEqual(jobEventDetail(model, 3), { job: 4, worker: 0, label: null, queuedMs: 1000, startedMs: 1100, finishedMs: 1200, outcome: 'cancelled' });
});

test('the status lines of a start, a resize and a comparison', () => {
  assert.equal(runningText({ ...DEFAULTS, jobs: 5, kind: 'sleep', cost: 40, pool: 3 }, null, 5), 'Running 5 sleep jobs of ~40 ms, strategy pool, 3 workers…');
  assert.equal(resizedText(1), 'Pool resized to 1 worker while running.');
  assert.equal(resizedText(8), 'Pool resized to 8 workers while running.');
  assert.equal(comparedText({ ...DEFAULTS, jobs: 20, seed: 7 }, 4, null), 'Compared 4 strategies on the same 20 jobs (seed 7).');
  assert.equal(comparedText({ ...DEFAULTS, work: 'primes', limit: 1000 }, 3, { describe: (s) => `the primes below ${s.limit}` }),
    'Compared 3 strategies on the primes below 1000.');
});

test('the progress line: none for short runs (the log reads them), every few seconds and at the end for long ones', () => {
  const model = (jobs, count, endedMs = 0) => ({ settings: { jobs }, count, dropped: 0, endedMs });
  assert.equal(progressLine(model(ANNOUNCE_EACH_UP_TO, 10), Infinity), null);
  assert.equal(progressLine(model(10_000, 1234), ANNOUNCE_EVERY_MS - 1), null, 'not due yet');
  assert.equal(progressLine(model(10_000, 1234), ANNOUNCE_EVERY_MS), '1,234 of 10,000 jobs done.');
  assert.equal(progressLine(model(10_000, 10_000, 5000), 0), '10,000 of 10,000 jobs done.', 'the end is always said');
  assert.equal(progressLine({ ...model(5000, 1000), dropped: 3000 }, Infinity), '4,000 of 5,000 jobs done.', 'dropped lines still count as done');
});
