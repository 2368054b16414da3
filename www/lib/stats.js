// @ts-check
// The numbers beside the timeline: the pool's counters, the run's speed,
// how long jobs waited and ran (the pool's `stats()`), the exactly-once
// check, and each worker's share.

import { element } from './dom.js';

const POOL_COUNTERS = [
  ['running', 'jobs a worker is running now'],
  ['waiting', 'jobs queued, not yet taken'],
  ['submitted', 'jobs queued in all'],
  ['completed', 'jobs finished'],
  ['failed', 'jobs that panicked or timed out'],
  ['timedOut', 'jobs that ran past the job timeout (counted in failed too)'],
  ['cancelled', 'jobs dropped from the queue by Stop'],
  ['rejected', 'jobs refused because the queue was full'],
];

const format = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export class Stats {
  constructor(container) {
    this.values = {};
    const entry = (key, label, title) => {
      this.values[key] = element('dd', { 'data-stat': key }, '0');
      return [element('dt', { title }, label), this.values[key]];
    };
    const list = (title, entries) => element('section', { class: 'stat-group' },
      element('h3', {}, title), element('dl', {}, ...entries.flat()));
    this.workerRows = element('tbody');
    this.check = element('p', { class: 'check', 'data-check': 'pending' });
    container.replaceChildren(
      list('Pool', POOL_COUNTERS.map(([key, title]) => entry(key, key === 'timedOut' ? 'timed out' : key, title))),
      list('Run', [
        entry('wall', 'wall time', 'from the first job queued to the last one finished'),
        entry('rate', 'jobs / s', 'jobs finished per second of wall time'),
        entry('items', 'items', 'items finished: a job of a map in chunks runs many (Job 12, items 4096-8191), any other job is one'),
        entry('itemRate', 'items / s', 'items finished per second of wall time'),
        entry('speedup', 'speedup', 'how many times faster than one worker: the finished jobs\' costs added up (for a Mandelbrot, its check\'s time on one thread), divided by the wall time'),
      ]),
      list('Latency', [
        entry('waitP50', 'waited p50', 'half of the jobs waited in the queue at most this long (queued to started)'),
        entry('waitP99', 'waited p99', '99% of the jobs waited at most this long'),
        entry('runP50', 'ran p50', 'half of the jobs ran at most this long (started to finished)'),
        entry('runP99', 'ran p99', '99% of the jobs ran at most this long'),
        entry('utilisation', 'utilisation', 'the share of the time the workers that ran jobs spent running them'),
      ]),
      element('section', { class: 'stat-group' }, element('h3', {}, 'Exactly once'), this.check),
      element('section', { class: 'stat-group workers' }, element('h3', {}, 'Workers'),
        element('table', {},
          element('thead', {}, element('tr', {}, element('th', { scope: 'col' }, 'worker'),
            element('th', { scope: 'col' }, 'jobs'), element('th', { scope: 'col' }, 'busy'))),
          this.workerRows)),
    );
  }

  update(run) {
    const { model, counters } = run;
    for (const [key] of POOL_COUNTERS) this.values[key].textContent = format(counters[key] ?? 0);
    const wallMs = model.wallMs;
    this.values.wall.textContent = wallMs >= 1000 ? `${format(wallMs / 1000, 2)} s` : `${format(wallMs)} ms`;
    this.values.rate.textContent = format(model.count / (wallMs / 1000 || 1));
    this.values.items.textContent = format(model.items);
    this.values.itemRate.textContent = format(model.items / (wallMs / 1000 || 1));
    this.values.speedup.textContent = Number.isNaN(model.speedup) ? '–' : `${format(model.speedup, 2)}×`;

    this.#showLatency(run.latency);

    const missing = model.missing;
    const over = model.endedMs > 0;
    const ok = model.duplicates === 0 && (!over || missing === 0);
    const failed = model.failures;
    this.check.dataset.check = !ok ? 'failed' : over ? 'passed' : 'pending';
    this.check.textContent = `${ok ? '✓' : '✗'} jobs done ${format(model.ran)} of ${format(model.settings.jobs)}` +
      `, duplicates ${model.duplicates}, missing ${over ? missing : '–'}` +
      (failed ? `, failed ${format(failed)}` : '') +
      (model.cancelled ? `, cancelled ${format(model.cancelled)}` : '');

    const rows = [...new Set([...model.jobsByWorker.keys(), ...run.workers.filter((w) => w.active).map((w) => w.id)])]
      .sort((a, b) => a - b)
      .map((worker) => {
        const active = run.workers.some((w) => w.id === worker && w.active);
        const busy = (100 * (model.busyByWorker.get(worker) ?? 0)) / (wallMs || 1);
        return element('tr', { 'data-worker': worker, class: active ? '' : 'retired' },
          element('th', { scope: 'row' }, `${worker}${active ? '' : ' (retired)'}`),
          element('td', {}, format(model.jobsByWorker.get(worker) ?? 0)),
          element('td', {}, `${format(Math.min(100, busy))} %`));
      });
    this.workerRows.replaceChildren(...rows);
  }

  /** @param {any} stats the pool's `stats()`, if read yet */
  #showLatency(stats) {
    const some = stats && stats.jobs > 0;
    const ms = (/** @type {number} */ value) => (!some ? '–' : value >= 1000 ? `${format(value / 1000, 2)} s` : `${format(value, value < 10 ? 2 : 0)} ms`);
    this.values.waitP50.textContent = ms(stats?.waiting.p50Ms);
    this.values.waitP99.textContent = ms(stats?.waiting.p99Ms);
    this.values.runP50.textContent = ms(stats?.running.p50Ms);
    this.values.runP99.textContent = ms(stats?.running.p99Ms);
    this.values.utilisation.textContent = some ? `${format(100 * stats.utilisation)} %` : '–';
  }
}
