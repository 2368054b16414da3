// @ts-check
// partition: each worker gets a fixed slice of the jobs before the run
// (jobs 1-3 to one, 4-6 to the next), as a loop split by hand would. With
// uneven costs some workers run out of work while one still has a long slice.

/** @type {import('./index.js').Strategy} */
export default {
  name: 'partition',
  label: 'partition: fixed slices',
  makePool(api, settings, options, notes) {
    if (settings.capacity > 0) notes.push('A partitioned run has no shared queue to bound: capacity is ignored.');
    return new api.Pool(settings.pool, { ...options, capacity: undefined });
  },
  submit: (pool, settings, costs, failing) => { pool.submitPartitioned(settings.kind, costs, failing); },
  partitioned: true,
  explain(by, settings) {
    const { partition, pool } = by;
    if (!partition || !pool || partition.wallMs <= pool.wallMs * 1.1) return null;
    return `The fixed partition took ${(partition.wallMs / pool.wallMs).toFixed(2)}× as long as the shared queue: its slices were set before the run, ` +
      `so with ${settings.dist} costs some workers ran out of work (${partition.idlePercent.toFixed(0)}% idle) while one still had a long slice, ` +
      'whereas the queue hands each next job to whichever worker is free.';
  },
};
