// @ts-check
// The shared queue's submission, which most strategies use: every job goes
// in one queue and whichever worker is free takes the next.

/// Queues `costs` on the pool's shared queue. With a queue capacity the
/// jobs go in as room frees up, and the page never blocks.
/** @param {any} pool @param {import('../settings.js').Settings} settings @param {Float64Array} costs @param {Uint8Array} failing */
export async function submitToQueue(pool, settings, costs, failing) {
  if (settings.capacity > 0) await pool.submitWait(settings.kind, costs, failing);
  else pool.submitCosts(settings.kind, costs, failing);
}
