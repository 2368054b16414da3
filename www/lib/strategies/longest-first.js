// @ts-check
// longest-first: the shared queue, with the longest jobs queued first
// (the LPT rule). A long job taken last is what keeps one worker busy
// while the others wait at the end; taken first, the short ones fill the
// gaps. It needs each job's cost before the run, as only synthetic jobs have.

import { submitToQueue } from './queue.js';

/** @type {import('./index.js').Strategy} */
export default {
  name: 'longest-first',
  label: 'LPT: longest jobs first',
  makePool: (api, settings, options) => new api.Pool(settings.pool, options),
  arrange: (costs) => Float64Array.from(costs).sort().reverse(),
  submit: submitToQueue,
  refusesWork: 'its order needs each job\'s cost before the run, and a real workload\'s is known only once it ran',
};
