// @ts-check
// rayon: work stealing. The pool's module built with its `rayon` feature
// (a module of its own, loaded only by a rayon run): each worker has a
// deque of its own and steals from the others when it runs dry.

import { loadRayon } from '../api.js';
import { submitToQueue } from './queue.js';

/** @type {import('./index.js').Strategy} */
export default {
  name: 'rayon',
  label: 'rayon: work stealing',
  async makePool(_api, settings, _options, notes) {
    if (settings.timeout > 0 || settings.capacity > 0) notes.push('rayon runs without a job timeout or queue capacity.');
    return (await loadRayon()).Pool.withRayon(settings.pool); // the same clock and events, its own module
  },
  submit: submitToQueue,
  refusesWork: 'rayon\'s pool runs only the synthetic jobs (it takes no closures)',
  refusesJs: 'rayon\'s pool runs only the synthetic jobs (its threads run no JavaScript)',
  needsSharedMemory: true,
  makesNoFailures: true,
};
