// @ts-check
// The reader of a pool for its views, shared by the element's runs
// (run.js) and watchPool (watch.js), with a cursor of its own in the
// pool's trace (`pool.reader()`): once a frame it moves the pool's new
// panic messages, labels and events into a RunModel, reads its counters
// and workers, and hands the state to a callback that updates the views.
//
// A view is anything with `update(state, first)`: `state` is what the
// poller keeps (`{ model, counters, workers, latency }`, a Run or a
// PoolWatch), `first` the index of the first event new since the last update.

/** The pool's latency statistics are read at most this often: each read goes over the whole trace. */
const STATS_EVERY_MS = 1000;

/**
 * What every view reads.
 * @typedef {{ model: import('./run.js').RunModel, counters: any, workers: any[], latency?: any }} PoolState
 * @typedef {{ update(state: PoolState, first: number): void }} View
 */

export class PoolPoller {
  /**
   * @param {any} pool a poolscope pool: `takeEvents`, `counters`, `workers` (`reader`, `takeFailures`, `takeLabels`, `stats` where it has them)
   * @param {PoolState} state where the reads go: `state.model` gets the events, `counters` and `workers` the latest
   * @param {(first: number) => void} onRead after each read
   */
  constructor(pool, state, onRead) {
    this.pool = pool;
    // A cursor of its own where the pool offers one (`reader()`): the app,
    // an exporter or other views may read the same events, and each gets all.
    this.events = pool.reader?.() ?? pool;
    this.state = state;
    this.onRead = onRead;
    this.frame = 0;
    this.statsAt = -Infinity;
  }

  /// One read now. Messages and labels first: a job's event then finds them.
  /// The statistics (`pool.stats()`) once a second, and on a `final` read.
  read(final = false) {
    const { pool, state } = this;
    const { model } = state;
    for (const { job, message } of pool.takeFailures?.() ?? []) model.messages.set(job, message);
    for (const [job, label] of this.events.takeLabels?.() ?? []) model.labels.set(job, label);
    const first = model.add(this.events.takeEvents());
    // JS jobs' values, settled now rather than at the drain's next turn, so
    // that the jobs just read show theirs (a report is filed a moment
    // after its event: a line may rarely go without its value).
    for (const [job, text] of pool.takeJobValues?.() ?? []) model.values.set(job, text);
    model.progress = pool.jobProgress?.() ?? null; // running JS jobs' last `progress(value)`
    model.missed = this.events.missedEvents ?? 0;
    state.counters = pool.counters();
    state.workers = pool.workers();
    model.sampleQueue(state.counters.waiting);
    const now = performance.now();
    if (pool.stats && (final || now - this.statsAt >= STATS_EVERY_MS)) {
      state.latency = pool.stats();
      this.statsAt = now;
    }
    this.onRead(first);
  }

  /// Reads once a frame until `stop()`. A read that throws stops the loop:
  /// `onError` gets the error (a pool freed while read, say), or it is thrown.
  /** @param {(error: unknown) => void} [onError] */
  start(onError) {
    const frame = () => {
      try {
        this.read();
      } catch (error) {
        this.frame = 0;
        if (!onError) throw error;
        onError(error);
        return;
      }
      this.frame = requestAnimationFrame(frame);
    };
    frame();
  }

  stop() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}
