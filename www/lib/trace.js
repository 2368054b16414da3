// @ts-check
// The run as Chrome trace-event JSON: it opens in Perfetto and in
// chrome://tracing. The pool's own export (`pool.exportTrace()`, written in
// Rust: slices, counter tracks, instants) where the pool has one; else
// from the views' events, one track (thread) per worker, one complete
// ("X") slice per job; times in µs from the run's start.

import { jobName } from './log.js';


export function chromeTrace(model) {
  const micros = (atMs) => Math.round((atMs - model.startedMs) * 1000);
  /** @type {Array<Record<string, unknown>>} */
  const traceEvents = [{ ph: 'M', pid: 1, tid: 0, name: 'process_name', args: { name: 'poolscope' } }];
  for (const worker of [...model.jobsByWorker.keys()].sort((a, b) => a - b)) {
    traceEvents.push({ ph: 'M', pid: 1, tid: worker, name: 'thread_name', args: { name: `worker ${worker}` } });
    traceEvents.push({ ph: 'M', pid: 1, tid: worker, name: 'thread_sort_index', args: { sort_index: worker } });
  }
  for (let i = 0; i < model.count; i++) {
    if (model.get(i, 'outcome') === model.code.cancelled) continue; // never ran: no slice
    const started = model.get(i, 'started');
    traceEvents.push({
      ph: 'X', pid: 1, tid: model.get(i, 'worker'),
      name: jobName(model, model.get(i, 'job')),
      cat: model.kindNames[model.get(i, 'kind')] ?? 'job',
      ts: micros(started),
      dur: Math.max(0, micros(model.get(i, 'finished')) - micros(started)),
      args: {
        job: model.get(i, 'job'),
        ...(model.label(model.get(i, 'job')) !== undefined ? { label: model.label(model.get(i, 'job')) } : {}),
        queuedMs: +(started - model.get(i, 'queued')).toFixed(3),
        outcome: model.outcomeName(i),
        ...(model.messages.has(model.get(i, 'job')) ? { message: model.messages.get(model.get(i, 'job')) } : {}),
      },
    });
  }
  return { traceEvents, displayTimeUnit: 'ms', otherData: { settings: model.settings } };
}

/**
 * The pool's own export (`pool.exportTrace()`: counter tracks and instants
 * too), parsed; null where the pool has none or was freed.
 * @param {any} pool
 * @returns {{ traceEvents: Array<Record<string, unknown>>, otherData?: Record<string, unknown> } | null}
 */
export function poolTrace(pool) {
  if (typeof pool?.exportTrace !== 'function') return null;
  try {
    return JSON.parse(pool.exportTrace());
  } catch { // freed
    return null;
  }
}

/**
 * Offers `trace` (the model's, by default) as a file download, named
 * after the run's settings unless `name` is given.
 * @param {any} model
 * @param {string} [name]
 * @param {object} [trace]
 */
export function downloadTrace(model, name, trace = chromeTrace(model)) {
  const { settings } = model;
  const blob = new Blob([JSON.stringify(trace)], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name ?? `poolscope-pool${settings.pool}-jobs${settings.jobs}-${settings.kind}-${settings.dist}-seed${settings.seed}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
