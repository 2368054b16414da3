// Types of watch.js: the playground's views for any pool.

/** The views of one pool: counters, a timeline with a lane per worker, the log. */
export interface PoolWatch {
  /** The Chrome trace-event object of what the views hold, labels included (`JSON.stringify` it for Perfetto). */
  exportTrace(): { traceEvents: object[]; displayTimeUnit: 'ms'; otherData: object };
  /** Removes the views; the pool goes on. */
  stop(): void;
}

/**
 * Attaches the views of `pool` to `container`, updated once a frame until `stop()`.
 * Throws a `TypeError` named `NotAPool` for anything but a poolscope pool.
 * @example const watch = watchPool(pool, document.querySelector('#views'), { clock: api.nowMs });
 */
export function watchPool(
  pool: object,
  container: Element,
  options?: { keep?: number; logLines?: number; clock?: () => number },
): PoolWatch;
