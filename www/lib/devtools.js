// @ts-check
// A pool's jobs in Chrome DevTools' Performance panel: each finished job
// becomes a `performance.measure` whose `detail` uses DevTools'
// extensibility API (a custom track per worker, in a "poolscope" group),
// so recording a profile of any page that uses poolscope shows who ran
// what, beside the page's own work.
// https://developer.chrome.com/docs/devtools/performance/extension
//
// Opt-in (`showInDevTools(pool)`, or `watchPool(pool, el, { devtools: true })`):
// a measure per job costs the page a little, and only a recorded profile
// reads them. It reads the pool's events with a cursor of its own
// (`pool.reader()`), so it takes nothing from the views or the app.
// Browsers without the extensibility API keep the measures as plain user
// timings (Firefox's profiler shows them as markers).

/** The track colours DevTools offers (its palette has no free colours): one per worker, in turn. */
const PALETTE = ['primary', 'secondary', 'tertiary', 'primary-light', 'secondary-light', 'tertiary-light', 'primary-dark', 'secondary-dark', 'tertiary-dark'];
/** How often the events are read: a profile needs no frame-exact measures. */
const READ_EVERY_MS = 100;

/**
 * Shows `pool`'s jobs in DevTools' Performance panel until `stop()`: a
 * measure per finished job (`Job 7 (label)`) on track `worker N`, from the
 * job's start to its end, with its job, worker, outcome and time waited
 * in the tooltip. Jobs that never ran (cancelled) have none.
 * @example const lanes = showInDevTools(pool); // record a profile; later: lanes.stop()
 * @param {any} pool a poolscope pool (`reader()`, its class's `eventFields()` and `outcomes()`)
 * @param {{ group?: string }} [options] `group`: the track group's name ('poolscope')
 * @returns {{ stop(): void }}
 */
export function showInDevTools(pool, { group = 'poolscope' } = {}) {
  if (typeof pool?.reader !== 'function' || typeof pool.constructor?.eventFields !== 'function') {
    throw Object.assign(new TypeError(`showInDevTools needs a poolscope Pool (with reader() and its class's eventFields), not ${pool}`), { name: 'NotAPool' });
  }
  const reader = pool.reader();
  const fields = /** @type {string[]} */ (pool.constructor.eventFields());
  const at = Object.fromEntries(fields.map((name, i) => [name, i]));
  const outcomes = /** @type {string[]} */ (pool.constructor.outcomes());
  const cancelled = outcomes.indexOf('cancelled');
  /** @type {Map<number, string>} */
  const labels = new Map();
  const read = () => {
    for (const [job, label] of reader.takeLabels?.() ?? []) labels.set(job, label);
    const events = reader.takeEvents();
    for (let i = 0; i < events.length; i += fields.length) {
      const event = (/** @type {string} */ name) => events[i + at[name]];
      const job = event('job');
      const worker = event('worker');
      if (event('outcome') === cancelled) continue;
      const label = labels.get(job);
      labels.delete(job);
      // Event times are on the clock every thread shares (timeOrigin + now).
      const start = event('started') - performance.timeOrigin;
      const name = label ? `Job ${job} (${label})` : `Job ${job}`;
      performance.measure(name, {
        start,
        end: Math.max(start, event('finished') - performance.timeOrigin),
        detail: {
          devtools: {
            dataType: 'track-entry',
            track: `worker ${worker}`,
            trackGroup: group,
            color: PALETTE[(worker - 1) % PALETTE.length],
            tooltipText: `job ${job} on worker ${worker}: ${outcomes[event('outcome')]}`,
            properties: [
              ['job', String(job)], ['worker', String(worker)], ['outcome', outcomes[event('outcome')]],
              ['waited', `${(event('started') - event('queued')).toFixed(3)} ms`],
            ],
          },
        },
      });
      // A recorded profile has it now; the page's own list of measures
      // would only grow (the page's other measures are left alone).
      performance.clearMeasures(name);
    }
  };
  const timer = setInterval(() => {
    try {
      read();
    } catch { // the pool was freed: nothing more to show
      clearInterval(timer);
    }
  }, READ_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      try {
        read(); // the jobs that finished since the last read
      } catch { /* freed */ }
    },
  };
}
