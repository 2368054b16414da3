// @ts-check
// One run of the playground: a pool, its jobs, and the model every view
// draws from. Events arrive in batches polled once a frame (one
// Float64Array), never one message per job.

import { jobCosts, failingJobs } from './jobs.js';
import { isRealWorkload, jobCount } from './settings.js';
import { strategyNamed } from './strategies/index.js';
import { PoolPoller } from './poller.js';

/** The module of the playground's JS jobs (`work=js`). */
const JS_EXAMPLES = new URL('./js-jobs/examples.js', import.meta.url);
/** The job timeout of typed code (`work=code`) when the reader set none: a job that never ends must end. */
export const CODE_TIMEOUT_MS = 5000;

// The page's clock when the API brings none. `timeOrigin` read once:
// WebKit recomputes it on every read (src/sys/README.md).
const PAGE_ORIGIN = performance.timeOrigin;
const pageClock = () => PAGE_ORIGIN + performance.now();
const MAX_QUEUE_SAMPLES = 4096;

/**
 * Where an event's numbers get their names: the module's class
 * (`PoolscopePool`, or the api `loadPoolscope` gives), so that JS copies
 * none of the core's codes.
 * @typedef {{ eventFields(): string[], outcomes(): string[], kinds(): string[] }} EventNames
 */

/// What happened in a run, in plain arrays: the timeline, the stats, the
/// log and the trace export all read it, and so can tests
/// (`document.querySelector('pool-playground').run.model`).
export class RunModel {
  /// `names`: the module's names of an event's fields, outcomes and kinds.
  /// `clock()`: ms on the pool's clock, the one its events' times are on.
  /// `keep`: the most events kept for the views (the oldest are dropped
  /// past it; the counts stay whole), for a pool that runs on and on.
  /** @param {EventNames} names */
  constructor(settings, names, costs, clock = pageClock, keep = Infinity) {
    const fieldNames = names.eventFields();
    this.settings = settings;
    this.outcomeNames = names.outcomes(); // an event's `outcome` is an index into it
    this.kindNames = names.kinds(); // and its `kind` into this
    const code = (/** @type {string} */ name) => this.outcomeNames.indexOf(name);
    /// The outcomes the views tell apart, by the core's number for each.
    this.code = { completed: code('completed'), failed: code('failed'), timedOut: code('timed out'), cancelled: code('cancelled') };
    this.clock = clock;
    this.costs = costs; // each job's cost as asked, in ms (job n at n - 1)
    this.costMs = 0; // the sum of the completed jobs' costs
    // A closure or JS call job's value is how many items it ran (a chunk of a map runs many).
    this.countsItems = new Set(['closure', 'call'].map((kind) => this.kindNames.indexOf(kind)));
    this.items = 0; // items finished: a built-in job is one
    this.field = Object.fromEntries(fieldNames.map((name, i) => [name, i]));
    this.width = fieldNames.length;
    this.events = new Float64Array(0); // `width` numbers per reported job
    this.count = 0; // events held in `events`
    this.keep = keep;
    this.dropped = 0; // events dropped past `keep`: `count + dropped` were added
    this.missed = 0; // events the pool's trace wrote again before they were read
    this.timesDone = new Uint8Array(settings.jobs + 1); // per job number, capped at 255; grows as jobs come
    this.labels = new Map(); // job -> label, for jobs given one
    this.values = new Map(); // job -> its value in a few words, for JS jobs (`takeJobValues`)
    /** @type {Map<number, unknown> | null} running JS jobs' last progress values (`jobProgress`) */
    this.progress = null;
    this.duplicates = 0;
    this.jobsByWorker = new Map();
    this.busyByWorker = new Map();
    this.startedMs = clock();
    this.endedMs = 0; // 0 while running
    this.resizes = [{ atMs: this.startedMs, size: settings.pool }];
    this.queue = []; // { atMs, waiting }, thinned to stay short
    this.outcomes = this.outcomeNames.map(() => 0); // per outcome
    this.messages = new Map(); // job -> panic message
    this.oneThreadMs = null; // a real workload's time on one thread, once its check ran
  }

  /// Adds a batch from `Pool.takeEvents()`; returns the index of its first event.
  add(batch) {
    this.#makeRoom(batch.length / this.width);
    const first = this.count;
    const added = batch.length / this.width;
    if ((first + added) * this.width > this.events.length) {
      const grown = new Float64Array(Math.max(1024, 2 * (first + added)) * this.width);
      grown.set(this.events.subarray(0, first * this.width));
      this.events = grown;
    }
    this.events.set(batch, first * this.width);
    this.count += added;
    const { job, worker, started, finished, outcome, kind, value } = this.field;
    const { cancelled: CANCELLED, completed: COMPLETED } = this.code;
    for (let i = 0; i < batch.length; i += this.width) {
      const n = batch[i + job];
      if (n >= this.timesDone.length) this.#growTimesDone(n);
      if (this.timesDone[n] > 0) this.duplicates++;
      if (this.timesDone[n] < 255) this.timesDone[n]++;
      this.outcomes[batch[i + outcome]]++;
      if (batch[i + outcome] === CANCELLED) continue;
      const w = batch[i + worker];
      const busy = batch[i + finished] - batch[i + started];
      this.jobsByWorker.set(w, (this.jobsByWorker.get(w) ?? 0) + 1);
      this.busyByWorker.set(w, (this.busyByWorker.get(w) ?? 0) + busy);
      if (batch[i + outcome] !== COMPLETED) continue;
      this.costMs += this.costs[n - 1] ?? 0;
      this.items += this.countsItems.has(batch[i + kind]) ? batch[i + value] : 1;
    }
    return first;
  }

  /// Past `keep`, drops the oldest events (at least half of those held,
  /// so that dropping stays rare) and the labels of their jobs.
  #makeRoom(adding) {
    if (this.count + adding <= this.keep) return;
    const drop = Math.min(this.count, Math.max(this.count + adding - this.keep, this.count >> 1));
    const { job } = this.field;
    for (let i = 0; i < drop; i++) {
      this.labels.delete(this.events[i * this.width + job]);
      this.values.delete(this.events[i * this.width + job]);
    }
    this.events.copyWithin(0, drop * this.width, this.count * this.width);
    this.count -= drop;
    this.dropped += drop;
  }

  #growTimesDone(job) {
    const grown = new Uint8Array(Math.max(job + 1, 2 * this.timesDone.length));
    grown.set(this.timesDone);
    this.timesDone = grown;
  }

  get(index, name) {
    return this.events[index * this.width + this.field[name]];
  }

  /// Event `index`'s outcome by name: 'completed', 'failed', 'timed out', 'cancelled'.
  outcomeName(index) {
    return this.outcomeNames[this.get(index, 'outcome')] ?? 'unknown';
  }

  /// Job `job`'s label (`spawn_labeled` in Rust), or undefined.
  label(job) {
    return this.labels.get(job);
  }

  sampleQueue(waiting, atMs = this.clock()) {
    this.queue.push({ atMs, waiting });
    if (this.queue.length > MAX_QUEUE_SAMPLES) this.queue = this.queue.filter((_, i) => i % 2 === 0);
  }

  /// Jobs that ran on a worker (whatever their outcome).
  get ran() {
    return this.count + this.dropped - this.outcomes[this.code.cancelled];
  }

  get cancelled() {
    return this.outcomes[this.code.cancelled];
  }

  /// Jobs that panicked or timed out.
  get failures() {
    return this.outcomes[this.code.failed] + this.outcomes[this.code.timedOut];
  }

  /// Jobs with no report at all: 0 once a run is over.
  get missing() {
    return this.settings.jobs - (this.count + this.dropped + this.missed - this.duplicates); // each job reported at least once counts once
  }

  /// How many times faster than one worker doing the finished jobs alone:
  /// their costs as asked, over the wall time. (Measured job times would
  /// flatter a pool with more cpu workers than cores: they share the CPU.)
  /// A real workload has no costs as asked: its check's time on one thread
  /// stands in, where the check does the same work (NaN until then, or if not).
  get speedup() {
    if (this.settings.work === 'code') return NaN; // typed code has no costs as asked, and no check
    if (isRealWorkload(this.settings.work)) return this.oneThreadMs === null ? NaN : this.oneThreadMs / (this.wallMs || 1);
    return this.costMs / (this.wallMs || 1);
  }

  get wallMs() {
    return (this.endedMs || this.clock()) - this.startedMs;
  }
}

/// Starts a pool and queues the run's jobs. `onFrame(run, firstNewEvent)`
/// runs once a frame while jobs run, and once more at the end. `workload`:
/// a real workload of www/workloads.js (its api is then `loadWorkloadApi`'s),
/// or null for the synthetic jobs.
export class Run {
  constructor(api, settings, onFrame, workload = null) {
    this.api = api;
    this.workload = workload;
    this.settings = settings;
    this.onFrame = onFrame;
    this.model = null;
    this.pool = null;
    this.counters = null;
    this.workers = [];
    this.latency = null; // the pool's latency statistics (`pool.stats()`), read once a second
    /** @type {PoolPoller | null} */
    this.poller = null; // reads the pool once a frame into the model
    this.stopped = false;
    this.notes = []; // what the strategy changed, for the page to say
    this.startupMs = 0; // from asking for the pool to its workers running
    this.result = null; // a real workload's result view (TiledPicture, RangeBars)
    this.check = null; // and its check against one thread: { matches, oneThreadMs }
  }

  /// The run's strategy (www/strategies/).
  get strategy() {
    return strategyNamed(this.settings.strategy);
  }

  /// A pool shaped for the run's strategy.
  async #makePool() {
    const { settings, api } = this;
    /** @type {Record<string, number>} */
    const options = {};
    if (settings.capacity > 0 && !this.workload) options.capacity = settings.capacity; // a synthetic setting: a workload's batch is queued whole
    if (settings.timeout > 0) options.jobTimeoutMs = settings.timeout;
    return this.strategy.makePool(api, settings, options, this.notes);
  }

  /// Runs the jobs; with a real workload, `resultCanvas` shows its result
  /// as it comes, checked against one thread at the end.
  /** @param {HTMLCanvasElement | null} [resultCanvas] */
  async start(resultCanvas = null) {
    const { settings, workload } = this;
    if (workload) settings.jobs = jobCount(settings);
    const { arrange } = this.strategy;
    const costs = workload ? new Float64Array(0) : arrange ? arrange(jobCosts(settings)) : jobCosts(settings);
    const asked = performance.now();
    const pool = await this.#makePool();
    if (this.stopped) { // disposed while rayon's module loaded
      pool.free();
      return;
    }
    this.pool = pool;
    await this.pool.ready();
    if (!this.pool) return; // disposed meanwhile
    this.startupMs = performance.now() - asked;
    this.model = new RunModel(settings, this.api, costs, this.api.nowMs);
    this.poller = new PoolPoller(this.pool, /** @type {import('./poller.js').PoolState} */ (/** @type {unknown} */ (this)), (first) => this.onFrame(this, first));
    this.poller.start();
    if (workload) {
      this.result = workload.makeResult(resultCanvas, settings);
      await workload.run(this.api, this.pool, settings, this.result, this.strategy.partitioned === true).catch((error) => {
        if (!this.stopped && this.pool) throw error; // Stop (or disposal) rejects the jobs still queued
      });
    } else if (settings.work === 'js') {
      await this.#runJs(costs);
    } else if (settings.work === 'code') {
      await this.#runCode();
    } else {
      await this.#submitBuiltIn(costs);
    }
    if (!this.pool) return;
    await this.pool.done();
    this.poller?.stop();
    if (!this.pool) return; // disposed meanwhile
    this.model.endedMs = this.model.clock();
    this.poller?.read(true);
    this.pool.drain();
    if (workload && !this.stopped) {
      this.check = await workload.check(this.api, settings, this.result);
      this.model.oneThreadMs = this.check.oneThreadMs;
    }
  }

  async #submitBuiltIn(costs) {
    const { settings } = this;
    try {
      await this.strategy.submit(this.pool, settings, costs, failingJobs(settings));
    } catch (error) {
      if (!this.stopped) throw error; // Stop closes the pool while jobs still wait for room
    }
  }

  /// The same jobs as JS jobs (`work=js`): js-jobs/examples.js's `worker`
  /// for each, through `pool.map`, in fixed slices for `partition`; a job
  /// per item (`chunk: 1`), as the log and lanes show them.
  async #runJs(costs) {
    const { settings } = this;
    const failing = failingJobs(settings);
    const jobs = Array.from(costs, (costMs, i) => ({ n: i + 1, costMs, kind: settings.kind, fail: failing[i] === 1 }));
    const batch = this.pool.map('worker', jobs, { module: JS_EXAMPLES, partition: this.strategy.partitioned === true, chunk: 1 });
    // A job that fails, times out or is stopped is the run's to show, not an error of the run.
    await batch.results().catch(() => {});
  }

  /// The reader's code (`work=code`, `settings.code` or `settings.module`): its `job(n)` for
  /// jobs 1 to `jobs`, a job each, each with the job timeout (5 s when none
  /// is set). The code is a module made in the page (a `blob:` URL): the
  /// workers import it; the page runs none of it.
  async #runCode() {
    const { settings } = this;
    // An author's module (`job-src`) runs from its URL; typed or inline code from a blob: URL.
    const url = settings.module ?? URL.createObjectURL(new Blob([settings.code ?? ''], { type: 'text/javascript' }));
    try {
      const numbers = Array.from({ length: settings.jobs }, (_, i) => i + 1);
      const timeoutMs = settings.timeout > 0 ? settings.timeout : CODE_TIMEOUT_MS;
      const batch = this.pool.map('job', numbers, { module: url, partition: this.strategy.partitioned === true, chunk: 1, timeoutMs });
      // A job's failure is the run's to show; a module refused before any
      // job was queued (it does not load, it has no `job`) ends the run.
      await batch.results().catch((error) => {
        if (batch.firstJob !== 0 || this.stopped) return;
        const named = new Error(String(error?.message ?? error).replaceAll(url, 'your code'));
        named.name = error?.name ?? 'Error';
        throw named;
      });
    } finally {
      if (!settings.module) URL.revokeObjectURL(url);
    }
  }

  /// Grows or shrinks the pool now; retiring workers finish their job first.
  resize(size) {
    this.pool.resize(size); // throws on a bad size, before anything changes
    this.model?.resizes.push({ atMs: this.model.clock(), size });
    this.settings.pool = size;
  }

  /// Drops the jobs still queued; running ones finish, then the run ends.
  stop() {
    if (!this.pool || this.stopped) return;
    this.stopped = true;
    this.pool.stop();
  }

  /// Ends the run's workers after their current job and frees the pool.
  dispose() {
    this.poller?.stop();
    this.stopped = true;
    if (this.pool) {
      this.pool.stop();
      this.pool.free();
      this.pool = null;
    }
  }
}
