// @ts-check
// pool: the article's worker pool. A fixed set of workers takes jobs from
// one shared queue, each the next job as soon as it is free.

import { submitToQueue } from './queue.js';

/** @type {import('./index.js').Strategy} */
export default {
  name: 'pool',
  label: 'pool: shared queue',
  makePool: (api, settings, options) => new api.Pool(settings.pool, options),
  submit: submitToQueue,
};
