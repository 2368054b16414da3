// @ts-check
// A legend of who made what: one line per worker with its colour swatch,
// "worker 2: 7 tiles". The Mandelbrot page and the playground's result
// panel both show it.

import { element } from './dom.js';
import { workerColour } from './worker-colours.js';

export const plural = (count, noun) => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;

/// Fills `list` from `counts` (worker id -> jobs), in worker order.
export function fillLegend(list, counts, noun) {
  list.replaceChildren(...[...counts].sort(([a], [b]) => a - b).map(([worker, jobs]) => {
    const swatch = element('span', { class: 'swatch' });
    swatch.style.backgroundColor = workerColour(worker); // CSSOM: a strict CSP allows no style attributes
    return element('li', { 'data-worker': worker }, swatch, `worker ${worker}: ${plural(jobs, noun)}`);
  }));
}

/// Counts per worker from results that each name their `worker`.
export function countByWorker(results) {
  const counts = new Map();
  for (const { worker } of results) counts.set(worker, (counts.get(worker) ?? 0) + 1);
  return counts;
}
