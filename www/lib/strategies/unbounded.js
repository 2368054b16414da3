// @ts-check
// unbounded: a worker per job, the article's first version. Each worker
// lives for its job only, so every job pays a worker's start-up.

import { submitToQueue } from './queue.js';

/// "A worker per job" stops at this many workers.
export const UNBOUNDED_CAP = 64;

/// "A worker per job" as a pool: a worker for each of `jobs` jobs, up to
/// UNBOUNDED_CAP workers; past that each worker runs its share in turn
/// (`jobsPerWorker`), and `capped` says so.
/** @param {number} jobs */
export function workerPerJob(jobs) {
  const workers = Math.min(jobs, UNBOUNDED_CAP);
  return { workers, jobsPerWorker: Math.ceil(jobs / workers), capped: jobs > UNBOUNDED_CAP };
}

/** @type {import('./index.js').Strategy} */
export default {
  name: 'unbounded',
  label: 'a worker per job',
  makePool(api, settings, options, notes) {
    const { workers, jobsPerWorker, capped } = workerPerJob(settings.jobs);
    if (capped) notes.push(`A worker per job is capped at ${UNBOUNDED_CAP} workers here: each runs up to ${jobsPerWorker} jobs.`);
    return new api.Pool(workers, { ...options, jobsPerWorker });
  },
  submit: submitToQueue,
  workers: (_settings, jobs) => workerPerJob(jobs).workers,
  // Its workers live only for their job: the ones that ran count.
  countedWorkers: (_settings, workersThatRan) => Math.max(1, workersThatRan),
  explain(by, _settings, sentenceName) {
    const { unbounded, pool } = by;
    const fastest = Object.values(by).reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
    if (!unbounded || fastest.strategy === 'unbounded' || unbounded.startupMs <= 2 * (pool?.startupMs ?? 0)) return null;
    return `${sentenceName(fastest.strategy)} was fastest; a worker per job spent ${unbounded.startupMs.toFixed(0)} ms starting its workers ` +
      `against ${pool.startupMs.toFixed(0)} ms for the pool, and no more work gets done than the cores allow (${globalThis.navigator?.hardwareConcurrency || 1}, as the browser reports them).`;
  },
};
