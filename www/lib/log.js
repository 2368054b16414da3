// @ts-check
// The live log in the words of the Go article ("Job 3 is done by worker
// 2"), with a job's label where it was given one ("Job 7 (tile 2,3) is
// done by worker 2"). Shared by the playground and `watchPool`.

import { element } from './dom.js';

/// How a job is named: its number, and its label if it has one.
export function jobName(model, job) {
  const label = model.label(job);
  return label === undefined ? `Job ${job}` : `Job ${job} (${label})`;
}

/// Event `index`'s line; none for a cancelled job, which never ran. A JS
/// job whose value has not come yet (its report is filed a moment after its
/// event) goes into `awaiting`, to be finished by `fillValues`.
function logLine(model, index, awaiting) {
  const job = model.get(index, 'job');
  const worker = model.get(index, 'worker');
  const name = jobName(model, job);
  const outcome = model.get(index, 'outcome');
  if (outcome === model.code.cancelled) return null;
  if (outcome === model.code.failed) {
    return element('li', { class: 'failed' }, `${name} failed on worker ${worker}: ${model.messages.get(job) ?? 'it panicked'}`);
  }
  if (outcome === model.code.timedOut) {
    const ms = Math.round(model.get(index, 'finished') - model.get(index, 'started'));
    return element('li', { class: 'timed-out' }, `${name} timed out on worker ${worker} after ${ms} ms`);
  }
  const value = model.values.get(job); // a JS job's, in a few words
  const line = element('li', {}, value === undefined ? `${name} is done by worker ${worker}` : `${name} is done by worker ${worker}: ${value}`);
  if (value === undefined && model.kindNames[model.get(index, 'kind')] === 'call') awaiting.set(job, line);
  return line;
}

/// Appends the lines of events `first..` to `list`, keeping the latest
/// `tail` lines: one removal for the whole excess (line by line would
/// re-lay the list each time).
function appendLog(list, model, first, tail, awaiting) {
  const start = Math.max(first, model.count - tail);
  const lines = document.createDocumentFragment();
  for (let i = start; i < model.count; i++) {
    const line = logLine(model, i, awaiting);
    if (line) lines.append(line);
  }
  list.append(lines);
  const excess = list.childElementCount - tail;
  if (excess > 0) {
    const range = document.createRange();
    range.setStartBefore(list.firstElementChild);
    range.setEndBefore(list.children[excess]);
    range.deleteContents();
  }
}

/// Event `index` in full, for the timeline's inspection and its table:
/// "Job 7 (tile 2,3) on worker 2: started at 12 ms, finished at 40 ms (28 ms), completed".
export function jobDetails(model, index) {
  const at = (name) => Math.round(model.get(index, name) - model.startedMs);
  const [started, finished] = [at('started'), at('finished')];
  return `${jobName(model, model.get(index, 'job'))} on worker ${model.get(index, 'worker')}: queued at ${at('queued')} ms, ` +
    `started at ${started} ms, finished at ${finished} ms (${finished - started} ms), ${model.outcomeName(index)}`;
}

/// A job's progress as words: a fraction as a percentage, anything else
/// (a JS job's own value) as short text.
/** @param {unknown} progress */
function progressText(progress) {
  if (typeof progress === 'number' && progress >= 0 && progress <= 1) return `${Math.round(progress * 100)}%`;
  const text = typeof progress === 'string' ? progress : JSON.stringify(progress) ?? String(progress);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** JS jobs' lines kept waiting for their value at most (the oldest go first). */
const MOST_AWAITING = 2_000;

/// The log view: a `role="log"` box around an ordered list (so the list
/// keeps its semantics), following new lines unless the reader scrolled up.
/// Runs over `keepAllUpTo` jobs keep the latest `tail` lines (the trace
/// export has them all: a longer list costs the workers CPU); runs over
/// `readEachUpTo` jobs are not read out line by line (`aria-live` off).
export class LogView {
  constructor({ keepAllUpTo = 2_000, tail = 1_000, readEachUpTo = 36 } = {}) {
    this.keepAllUpTo = keepAllUpTo;
    this.tail = tail;
    this.readEachUpTo = readEachUpTo;
    this.list = element('ol', { class: 'log-lines' });
    this.box = element('div', { class: 'log', role: 'log', 'aria-label': 'Finished jobs', tabindex: '0' }, this.list);
    this.note = element('p', { class: 'note' });
    // The jobs running now that said how far they are: a line above the log, not read out.
    this.running = element('p', { class: 'hint log-running', 'aria-live': 'off' });
    this.lines = Infinity;
    /** @type {Map<number, HTMLLIElement>} JS jobs' lines still without their value */
    this.awaiting = new Map();
    // Read on scroll, not per frame, which would force a layout every frame.
    this.follow = true;
    this.box.addEventListener('scroll', () => {
      this.follow = this.box.scrollTop + this.box.clientHeight >= this.box.scrollHeight - 4;
    }, { passive: true });
  }

  /// Shows how far the running jobs that said so are, e.g. "Running: job 7
  /// on worker 2 at 40%." (an empty list: nothing).
  /** @param {{ job: number, worker: number, progress: unknown }[]} running */
  showRunning(running) {
    const text = running.length === 0 ? ''
      : `Running: ${running.map(({ job, worker, progress }) => `job ${job} on worker ${worker} at ${progressText(progress)}`).join(', ')}.`;
    if (this.running.textContent !== text) this.running.textContent = text;
  }

  /// Empties the log for a run of `jobs` jobs (Infinity: a pool that runs on).
  reset(jobs) {
    this.list.replaceChildren();
    this.running.textContent = '';
    this.awaiting.clear();
    this.list.start = 1;
    this.lines = jobs > this.keepAllUpTo ? this.tail : Infinity;
    this.box.setAttribute('aria-live', jobs > this.readEachUpTo ? 'off' : 'polite');
    this.note.textContent = this.lines === Infinity || jobs === Infinity ? ''
      : `Runs over ${this.keepAllUpTo.toLocaleString('en-US')} jobs keep the latest ${this.tail.toLocaleString('en-US')} lines here; Export trace has every job.`;
  }

  /// Adds the lines of the events from `first` on (a view: poller.js).
  /** @param {import('./poller.js').PoolState} state @param {number} first */
  update({ model }, first) {
    this.fillValues(model);
    if (first >= model.count) return;
    appendLog(this.list, model, first, this.lines, this.awaiting);
    for (const job of this.awaiting.keys()) {
      if (this.awaiting.size <= MOST_AWAITING) break;
      this.awaiting.delete(job);
    }
    if (this.lines !== Infinity && model.count > this.lines) this.list.start = model.count - this.lines + 1; // numbers stay the finish order
    if (this.follow) this.box.scrollTop = this.box.scrollHeight;
  }

  /// Gives the lines still waiting their JS job's value the value, once
  /// it came (the views call it each frame, also when no event came).
  /** @param {import('./run.js').RunModel} model */
  fillValues(model) {
    for (const [job, line] of this.awaiting) {
      const value = model.values.get(job);
      if (value === undefined) continue;
      line.append(`: ${value}`);
      this.awaiting.delete(job);
    }
  }
}
