// @ts-check
// The element's words about a run: the status line as it starts, ends or
// is compared, the `poolscope-run` summary and each `poolscope-job`
// detail, and the screen readers' progress line. Pure functions of a run's model, counters and settings
// (no DOM, no clock), so that tests/unit/run-summary.test.mjs reads them
// without a browser.

import { plural } from './legend.js';
import { isRealWorkload } from './settings.js';

/// Up to this many jobs the log reads each line out; above it, the
/// progress line does, every ANNOUNCE_EVERY_MS and at the end.
export const ANNOUNCE_EACH_UP_TO = 36;
export const ANNOUNCE_EVERY_MS = 5_000;

/**
 * A run that ended (run.js's Run once its model is made): what the words below read of it.
 * @typedef {{ model: import('./run.js').RunModel, counters: { completed: number, failed: number },
 *   workload: { noun: string } | null, stopped: boolean, notes: string[], check: { matches: boolean } | null }} EndedRun
 */

/**
 * The status line as a run starts.
 * @param {import('./settings.js').Settings} settings
 * @param {{ describe(settings: import('./settings.js').Settings): string } | null} workload a real workload, or null for synthetic jobs
 * @param {number} jobs the run's job count (settings.js's jobCount)
 */
export function runningText(settings, workload, jobs) {
  const what = workload ? workload.describe(settings) : `${jobs} ${settings.kind} jobs of ~${settings.cost} ms`;
  return `Running ${what}, strategy ${settings.strategy}, ${plural(settings.pool, 'worker')}…`;
}

/**
 * The status line once a run ended: done or stopped, how fast, what failed,
 * and what the strategy changed (`run.notes`).
 * @param {Pick<EndedRun, 'model' | 'workload' | 'stopped' | 'notes'>} run
 */
export function endedText(run) {
  const { model, workload } = run;
  const wall = (model.wallMs / 1000).toFixed(2);
  const failed = model.failures;
  const speed = Number.isNaN(model.speedup) ? ''
    : workload ? `, ${model.speedup.toFixed(2)}× as fast as one thread (${(model.oneThreadMs / 1000).toFixed(2)} s for the check)`
      : `, ${model.speedup.toFixed(2)}× the speed of one worker`;
  const jobs = workload ? plural(model.ran, workload.noun) : `${model.ran} jobs`;
  return (run.stopped
    ? `Stopped after ${jobs}; ${model.cancelled} queued jobs were cancelled (${wall} s).`
    : `Done: ${jobs} on ${plural(model.jobsByWorker.size, 'worker')} in ${wall} s${speed}.`) +
    (failed ? ` ${failed} failed: see the log.` : '') + (run.notes.length ? ` ${run.notes.join(' ')}` : '');
}

/**
 * The run's outcome as numbers, the `summary` of `poolscope-run`.
 * @param {Pick<EndedRun, 'model' | 'counters' | 'stopped' | 'check'>} run
 * @returns {import('./element.js').PoolscopeRunDetail['summary']}
 */
export function summaryData(run) {
  const { model, counters } = run;
  return {
    strategy: model.settings.strategy, work: model.settings.work, workers: model.settings.pool,
    jobs: model.settings.jobs, ran: model.ran, completed: counters.completed, failed: counters.failed,
    cancelled: model.cancelled, duplicates: model.duplicates, missing: model.missing,
    wallMs: model.wallMs, speedup: model.speedup, stopped: run.stopped,
    resultMatches: run.check ? run.check.matches : null,
  };
}

/**
 * Event `index` of the run as the `poolscope-job` detail.
 * @param {import('./run.js').RunModel} model
 * @param {number} index
 * @returns {import('./element.js').PoolscopeJobDetail}
 */
export function jobEventDetail(model, index) {
  const job = model.get(index, 'job');
  return {
    job, worker: model.get(index, 'worker'), label: model.label(job) ?? null,
    queuedMs: model.get(index, 'queued'), startedMs: model.get(index, 'started'), finishedMs: model.get(index, 'finished'),
    outcome: /** @type {import('./element.js').PoolscopeJobDetail['outcome']} */ (model.outcomeName(index)),
  };
}

/**
 * The status line after a comparison of `count` strategies.
 * @param {import('./settings.js').Settings} settings
 * @param {number} count
 * @param {{ describe(settings: import('./settings.js').Settings): string } | null | undefined} workload the last run's, null for synthetic jobs
 */
export function comparedText(settings, count, workload) {
  return !isRealWorkload(settings.work)
    ? `Compared ${count} strategies on the same ${settings.jobs} jobs (seed ${settings.seed}).`
    : `Compared ${count} strategies on ${workload?.describe(settings)}.`;
}

/** The status line after a resize while running. @param {number} size */
export const resizedText = (size) => `Pool resized to ${plural(size, 'worker')} while running.`;

/**
 * The screen readers' progress line of a long run, or null when it is not
 * due: short runs have the log read out instead, and a long one is read
 * every ANNOUNCE_EVERY_MS and once at its end.
 * @param {{ settings: { jobs: number }, count: number, dropped: number, endedMs: number }} model
 * @param {number} sinceLastMs ms since the last progress line
 * @returns {string | null}
 */
export function progressLine(model, sinceLastMs) {
  if (model.settings.jobs <= ANNOUNCE_EACH_UP_TO) return null;
  if (sinceLastMs < ANNOUNCE_EVERY_MS && !model.endedMs) return null;
  return `${(model.count + model.dropped).toLocaleString('en-US')} of ${model.settings.jobs.toLocaleString('en-US')} jobs done.`;
}
