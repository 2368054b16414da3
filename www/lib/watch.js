// @ts-check
// The playground's views for any pool: its counters, a timeline with one
// lane per worker, the live log in the article's words (with each job's
// label) and a trace export. For a pool made anywhere: `new Pool(...)`
// from pkg/poolscope.js, or a `WebPool` that Rust code hands to JS.
//
//   import { watchPool } from './watch.js';
//   const watch = watchPool(pool, document.querySelector('#views'));
//   ...
//   watch.stop(); // removes the views; the pool goes on
//
// The views live in a shadow root of their own: the page's styles don't
// reach them and theirs don't leak out.

import { element, errorMessage } from './dom.js';
import { RunModel } from './run.js';
import { PoolPoller } from './poller.js';
import { Timeline } from './timeline.js';
import { Stats } from './stats.js';
import { LogView } from './log.js';
import { chromeTrace, downloadTrace, poolTrace } from './trace.js';
import { resolveTheme, watchPageTheme } from './theme.js';
import { style } from './stylesheet.js';
import { showInDevTools } from './devtools.js';

export { showInDevTools };

const STATS_INTERVAL_MS = 100;

/// Attaches the views of `pool` to `container` and updates them once a
/// frame until `stop()`. Options: `keep`, the most events the views hold
/// (100,000; older ones are dropped, the counts stay whole); `logLines`,
/// the lines the log shows (500); `clock`, ms on the pool's clock
/// (`PoolscopePool.nowMs`; the page's by default); `devtools`, also show
/// the jobs in Chrome DevTools' Performance panel (`showInDevTools`).
///
/// The views read the pool's events and labels with a cursor of their own
/// (`pool.reader()`): the app and others may read them too. They take its
/// panic messages (`takeFailures`); `counters()`, `workers()` and
/// `stats()` stay free for anyone.
/**
 * @example const watch = watchPool(pool, document.querySelector('#views'), { clock: api.nowMs });
 * @param {object} pool a poolscope pool (else a `TypeError` named `NotAPool`)
 * @param {Element} container where the views go
 * @param {{ keep?: number, logLines?: number, clock?: () => number, devtools?: boolean }} [options]
 * @returns {PoolWatch}
 */
export function watchPool(pool, container, options = {}) {
  return new PoolWatch(pool, container, options);
}

export class PoolWatch {
  /**
   * @param {any} pool
   * @param {Element} container
   * @param {{ keep?: number, logLines?: number, clock?: () => number, devtools?: boolean }} [options]
   */
  constructor(pool, container, { keep = 100_000, logLines = 500, clock = undefined, devtools = false } = {}) {
    if (!pool || typeof pool.takeEvents !== 'function' || typeof pool.counters !== 'function' || typeof pool.constructor?.eventFields !== 'function') {
      throw Object.assign(new TypeError(`watchPool needs a poolscope Pool (with takeEvents, counters and its class's eventFields), not ${pool}`), { name: 'NotAPool' });
    }
    this.pool = pool;
    this.devtools = devtools ? showInDevTools(pool) : null;
    const counters = pool.counters();
    // The numbers of an event, as the pool's own class names them (`PoolscopePool.eventFields()`, `outcomes()`, `kinds()`).
    this.model = new RunModel({ jobs: counters.submitted, pool: counters.workers }, pool.constructor, [], clock, keep);
    this.counters = counters;
    this.workers = [];
    this.host = element('div', { class: 'poolscope-watch' });
    const root = this.host.attachShadow({ mode: 'open' });
    const canvas = element('canvas', { class: 'timeline', role: 'img', 'aria-label': 'Timeline', 'data-lanes': '0', 'data-bars': '0' });
    // A pool that runs on and on is summed up in the counters, not read out job by job.
    this.logView = new LogView({ keepAllUpTo: 0, tail: logLines, readEachUpTo: 0 });
    this.logView.reset(Infinity);
    this.note = element('p', { class: 'note', 'data-missed': '0' });
    const stats = element('div', { class: 'stats' });
    const exportButton = element('button', { type: 'button', class: 'export' }, 'Export trace');
    exportButton.addEventListener('click', () => downloadTrace(this.model, 'poolscope-watch.json', this.exportTrace()));
    style(root);
    root.append(
      element('div', { class: 'ps views', part: 'root' },
        element('section', { class: 'panel' }, element('h2', {}, 'Timeline'), canvas, this.note),
        element('section', { class: 'panel' }, element('h2', {}, 'Counters'), stats),
        element('section', { class: 'panel' }, element('h2', {}, 'Log'), this.logView.box, exportButton)),
    );
    this.timeline = new Timeline(canvas);
    this.stats = new Stats(stats);
    this.statsShownAt = 0;
    this.signature = '';
    container.append(this.host);
    // The page's theme, as the playground element follows it (theme.js).
    const applyTheme = () => {
      this.host.dataset.theme = resolveTheme(this.host);
      this.timeline.restyle(); // its colours are read from the theme's variables
    };
    applyTheme();
    this.stopWatchingTheme = watchPageTheme(applyTheme);
    this.poller = new PoolPoller(pool, this, (first) => this.#show(first));
    this.frame = requestAnimationFrame(() => this.poller.start((error) => this.#stopped(error)));
  }

  /// The trace as Chrome trace-event JSON (what Export trace saves): the
  /// pool's own export (counters, instants; `pool.exportTrace()`) where it
  /// has one and is not freed, else the views' events.
  exportTrace() {
    return poolTrace(this.pool) ?? chromeTrace(this.model);
  }

  /// Stops updating and removes the views. The pool is not touched: once
  /// the page frees it (`pool.free()`), nothing here holds its memory.
  stop() {
    cancelAnimationFrame(this.frame);
    this.poller.stop();
    this.devtools?.stop();
    this.stopWatchingTheme();
    this.host.remove();
  }

  /// The page freed the pool while watched (`pool.free()`): the views
  /// keep its last state and hold nothing of it.
  #stopped(error) {
    this.note.dataset.stopped = 'true';
    this.note.textContent = `The views stopped: the pool can no longer be read (${errorMessage(error)}); they show its last state.`;
  }

  /// After each read (PoolPoller): the views, where something changed.
  #show(first) {
    const { pool, model } = this;
    model.settings.jobs = this.counters.submitted;
    if (this.counters.workers !== model.settings.pool) {
      model.settings.pool = this.counters.workers;
      model.resizes.push({ atMs: model.clock(), size: this.counters.workers });
    }
    const signature = `${model.count}|${model.dropped}|${this.counters.waiting}|${this.counters.running}|${this.workers.length}`;
    if (signature === this.signature) {
      this.timeline.growRunning(this); // nothing new, but running jobs' bars grow
      this.logView.fillValues(model); // and JS jobs' values come a moment after their events
      return;
    }
    this.signature = signature;
    this.logView.update(this, first);
    this.timeline.update(this);
    if (model.missed > 0) {
      this.note.dataset.missed = String(model.missed);
      this.note.textContent = `${model.missed.toLocaleString('en-US')} events were written over in the pool's trace ` +
        `(traceCapacity ${pool.traceCapacity?.toLocaleString('en-US') ?? '?'}) before the views read them: the counts above include them, the timeline does not.`;
    }
    const now = performance.now();
    const idle = this.counters.running === 0 && this.counters.waiting === 0; // the last change: show it now
    if (idle || now - this.statsShownAt >= STATS_INTERVAL_MS) {
      this.statsShownAt = now;
      this.stats.update(this);
    }
  }
}
