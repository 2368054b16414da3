// @ts-check
// One budget of workers for every playground on a page, so that three
// embeds don't each claim every core: a run waits until its workers fit.
// The budget is twice the core count (at least 4): cpu jobs can't use more
// at once, and sleep jobs still overlap.

const WORKER_BUDGET = Math.max(4, 2 * (navigator.hardwareConcurrency || 2));

let free = WORKER_BUDGET;
const waiting = [];

/// Resolves, once `count` workers fit in the budget, to a function that
/// gives them back. A run larger than the whole budget waits for all of it.
export async function reserveWorkers(count, onWait) {
  const need = Math.min(count, WORKER_BUDGET);
  if (free < need) onWait?.();
  while (free < need) await new Promise((resolve) => waiting.push(resolve));
  free -= need;
  let returned = false;
  return () => {
    if (returned) return;
    returned = true;
    free += need;
    for (const wake of waiting.splice(0)) wake();
  };
}
