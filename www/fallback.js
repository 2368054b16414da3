// The message-passing fallback, for pages without cross-origin isolation
// (no SharedArrayBuffer, so no shared wasm memory): the same Pool API as the
// shared-memory pool, with the queue here on the main thread and each Web
// Worker running its own wasm instance. Jobs and results travel by
// postMessage, one message each way per job: that is the price of this mode.

import init, { __poolscopeCpuIterationsPerMs as cpuIterationsPerMs } from './pkg-fallback/poolscope_fallback.js';

export const FIELDS = ['job', 'worker', 'kind', 'queued', 'started', 'finished', 'outcome', 'value'];
const KINDS = { cpu: 0, sleep: 1, noop: 2 };
const WORK = 3; // a call of examples/tiles' kernels (`submitWork`), as closures are numbered in the core
const [COMPLETED, FAILED, TIMED_OUT, CANCELLED] = [0, 1, 2, 3];
const MAX_WORKERS = 64;
const MAX_JOBS = 2_000_000; // waiting at once, as in the shared-memory build; no cap over a pool's life
/// An `Error` whose `name` is the Rust `PoolError` variant, as the shared-memory build throws.
function named(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}

// `timeOrigin` read once: WebKit recomputes it on every read (src/sys/README.md).
const ORIGIN = performance.timeOrigin;
const now = () => ORIGIN + performance.now();

/// The clock of this pool's events, as `nowMs` of the shared-memory build.
export const nowMs = now;

/// As the shared-memory build refuses the same mistake: the `PoolError`
/// variant's name (`InvalidSize`, `InvalidCapacity`) and its very text.
function wholeNumber(what, value, min, max, name = 'OutOfRange') {
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  throw named(name, `${what} ${value} is out of range: it must be a whole number from ${min} to ${max}`);
}
const MAX_TIMEOUT_MS = 3_600_000; // as the core's

let rate;
async function iterationsPerMs() {
  rate ??= init().then(() => cpuIterationsPerMs());
  return rate;
}

export class FallbackPool {
  constructor(size, options = {}) {
    wholeNumber('pool size', size, 1, MAX_WORKERS, 'InvalidSize');
    this.capacity = options.capacity === undefined ? Infinity : wholeNumber('queue capacity', options.capacity, 1, MAX_JOBS, 'InvalidCapacity');
    this.timeoutMs = options.jobTimeoutMs ?? 0;
    if (options.jobTimeoutMs !== undefined && !(this.timeoutMs > 0 && this.timeoutMs <= MAX_TIMEOUT_MS)) {
      throw named('InvalidTimeout', `job timeout ${options.jobTimeoutMs} ms is out of range: it must be more than 0 and at most ${MAX_TIMEOUT_MS} ms`);
    }
    this.quota = options.jobsPerWorker ?? Infinity;
    this.specs = new Map(); // job number -> { kind, cost, fail, queued }, until its event is recorded
    this.submitted = 0;
    this.queue = []; // waiting job numbers, from `head` on
    this.head = 0;
    this.slices = new Map(); // worker id -> job numbers of its fixed slice
    this.pending = []; // events not taken yet
    this.failures = [];
    this.labels = []; // [job, label] not taken yet
    this.slots = new Map(); // id -> { worker, active, job, jobs, busyMs, ready }
    this.count = { started: 0, completed: 0, failed: 0, timedOut: 0, cancelled: 0, rejected: 0 };
    this.closed = false;
    this.idleWaiters = [];
    this.roomWaiters = [];
    this.lostWorkers = 0;
    this.starting = [];
    this.rate = iterationsPerMs();
    this.resize(size);
    if (this.timeoutMs > 0) this.watchdog = setInterval(() => this.#killOverdue(), Math.min(50, Math.max(5, this.timeoutMs / 4)));
  }

  static withRayon() {
    throw named('RayonUnavailable', 'rayon needs shared memory, which this page does not have (no cross-origin isolation)');
  }

  ready() {
    return Promise.all(this.starting).then(() => undefined);
  }

  get target() {
    return [...this.slots.values()].filter((s) => s.active).length;
  }

  resize(size) {
    wholeNumber('pool size', size, 1, MAX_WORKERS, 'InvalidSize');
    if ([...this.slices.values()].some((slice) => slice.length > 0)) {
      throw named('PartitionFixed', 'cannot resize a partitioned run: its slices were fixed before it started (that is the point of the strategy)');
    }
    const active = [...this.slots.entries()].filter(([, s]) => s.active).map(([id]) => id).sort((a, b) => a - b);
    const started = [];
    if (size > active.length) {
      for (let id = 1, needed = size - active.length; needed > 0 && id <= MAX_WORKERS; id++) {
        const slot = this.slots.get(id);
        if (slot && !slot.active && slot.job !== null) { slot.active = true; needed--; continue; } // retiring: stays
        if (!slot) { started.push(this.#spawn(id)); needed--; }
      }
    } else {
      for (const id of active.slice(size)) {
        const slot = this.slots.get(id);
        slot.active = false;
        if (slot.job === null) this.#end(id);
      }
    }
    const all = Promise.all(started).then(() => undefined);
    this.starting.push(all);
    return all;
  }

  #spawn(id) {
    const worker = new Worker(new URL('./fallback-worker.js', import.meta.url), { type: 'module', name: `poolscope-fallback ${id}` });
    const slot = { worker, active: true, job: null, jobs: 0, busyMs: 0, ready: false };
    this.slots.set(id, slot);
    return new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.type === 'ready') { slot.ready = true; resolve(); this.#dispatch(); }
        else this.#finished(id, slot, data);
      };
      worker.onerror = (event) => {
        this.slots.delete(id);
        reject(new Error(`worker ${id} failed to start: ${event.message || 'script error'}`));
      };
    });
  }

  #end(id) {
    this.slots.get(id)?.worker.terminate();
    this.slots.delete(id);
  }

  #specs(kind, costs, failing) {
    if (!(kind in KINDS)) throw named('UnknownKind', `job kind "${kind}" is unknown: it must be one of cpu, sleep, noop`);
    if (this.closed) throw named('PoolStopped', 'the pool is closed and takes no new jobs');
    for (const cost of costs) {
      if (!(cost >= 0 && cost <= 3_600_000)) throw named('InvalidCost', `job cost ${cost} ms is out of range: it must be between 0 and 3600000 ms`);
    }
    return Array.from(costs, (cost, i) => ({ kind: KINDS[kind], cost, fail: Boolean(failing?.[i]) }));
  }

  get waiting() {
    return this.queue.length - this.head + [...this.slices.values()].reduce((sum, slice) => sum + slice.length, 0);
  }

  #add(specs, labels = []) {
    const first = this.submitted + 1;
    const queued = now();
    for (const spec of specs) this.specs.set(++this.submitted, { ...spec, queued });
    labels.forEach((label, i) => this.labels.push([first + i, label]));
    return first;
  }

  submit(kind, count, cost) {
    wholeNumber('job count', count, 0, MAX_JOBS);
    return this.submitCosts(kind, new Float64Array(count).fill(cost));
  }

  submitCosts(kind, costs, failing) {
    const specs = this.#specs(kind, costs, failing);
    this.#checkRoom(specs.length);
    return this.#enqueue(specs);
  }

  /// All or none, as the core's `admit`: a batch that does not fit is refused whole.
  #checkRoom(count) {
    const room = Math.min(this.capacity, MAX_JOBS) - this.waiting;
    if (count > room) {
      this.count.rejected += count;
      throw named('QueueFull', `cannot queue ${count} jobs: this pool has room for ${room} more (allowed: 0 to ${room})`);
    }
  }

  /// Puts `specs` on the shared queue and hands them out.
  #enqueue(specs, labels) {
    const first = this.#add(specs, labels);
    for (let i = 0; i < specs.length; i++) this.queue.push(first + i);
    this.#dispatch();
    return first;
  }

  async submitWait(kind, costs, failing) {
    const specs = this.#specs(kind, costs, failing);
    let first = 0;
    for (let offset = 0; offset < specs.length;) {
      if (this.closed) throw named('PoolStopped', 'the pool is closed and takes no new jobs');
      const room = Math.min(Math.min(this.capacity, MAX_JOBS) - this.waiting, specs.length - offset);
      if (room <= 0) { await new Promise((resolve) => this.roomWaiters.push(resolve)); continue; }
      const start = this.#add(specs.slice(offset, offset + room));
      if (offset === 0) first = start;
      for (let i = 0; i < room; i++) this.queue.push(start + i);
      offset += room;
      this.#dispatch();
    }
    return first;
  }

  submitPartitioned(kind, costs, failing) {
    return this.#partition(this.#specs(kind, costs, failing));
  }

  /// Queues one job per entry of `calls`, each a call of examples/tiles'
  /// kernel `work` with those arguments (what the shared-memory build runs
  /// as closures), labelled `labels[i]`, on the shared queue or in fixed
  /// slices (`partition`). `settle(outcome, value, job, worker)` hears of
  /// each once, with the kernel's value (sent back in the reply) when it
  /// completed. Returns the first job's number.
  submitWork(work, calls, labels, partition, settle) {
    if (this.closed) throw named('PoolStopped', 'the pool is closed and takes no new jobs');
    this.#checkRoom(calls.length);
    const specs = calls.map((args) => ({ kind: WORK, cost: 0, fail: false, work, args, settle }));
    return partition ? this.#partition(specs, labels) : this.#enqueue(specs, labels);
  }

  #partition(specs, labels) {
    if (this.waiting > 0) throw named('PartitionBusy', 'cannot partition jobs while others wait: partition a batch into an idle pool');
    const first = this.#add(specs, labels);
    const workers = this.target;
    const slice = Math.ceil(specs.length / workers);
    for (let w = 0; w < workers; w++) {
      const jobs = [];
      for (let n = first + w * slice; n < Math.min(first + specs.length, first + (w + 1) * slice); n++) jobs.push(n);
      this.slices.set(w + 1, jobs);
    }
    this.#dispatch();
    return first;
  }

  async #dispatch() {
    const iterations = await this.rate;
    for (const [id, slot] of this.slots) {
      if (!slot.ready || !slot.active || slot.job !== null) continue;
      const slice = this.slices.get(id);
      const job = slice?.length ? slice.shift() : this.head < this.queue.length ? this.queue[this.head++] : null;
      if (job === null) continue;
      if (this.head > 4096 && this.head * 2 > this.queue.length) { this.queue = this.queue.slice(this.head); this.head = 0; }
      const spec = this.specs.get(job);
      slot.job = job;
      slot.sentAt = now();
      this.count.started++;
      slot.worker.postMessage({ job, kind: spec.kind, cost: spec.cost, fail: spec.fail, iterations: Math.round(spec.cost * iterations), work: spec.work, args: spec.args });
      this.#wakeRoom();
    }
  }

  #record(job, worker, outcome, started, finished, value) {
    const spec = this.specs.get(job);
    this.specs.delete(job); // recorded: a pool that lives long holds only the jobs in flight
    this.pending.push(job, worker, spec.kind, spec.queued, started, finished, outcome, typeof value === 'number' ? value : 0);
    spec.settle?.(outcome, value, job, worker);
    if (outcome === COMPLETED) this.count.completed++;
    else if (outcome !== CANCELLED) this.count.failed++;
    if (outcome === TIMED_OUT) this.count.timedOut++;
  }

  #finished(id, slot, data) {
    if (slot.job !== data.job) return; // a job the watchdog already reported
    slot.job = null;
    slot.jobs++;
    // The worker's clock has its own origin: keep queued <= started <= finished on the page's.
    const started = Math.max(data.started, this.specs.get(data.job).queued);
    const finished = Math.max(data.finished, started);
    slot.busyMs += finished - started;
    if (data.type === 'crashed') {
      this.failures.push({ job: data.job, worker: id, message: data.message });
      this.#record(data.job, id, FAILED, started, finished, data.message);
      this.#replace(id, slot);
    } else {
      this.#record(data.job, id, COMPLETED, started, finished, data.value);
      if (!slot.active || slot.jobs >= this.quota) this.#end(id);
    }
    this.#dispatch();
    this.#checkIdle();
  }

  /// A worker whose instance trapped or hung: a new one takes its id.
  #replace(id, slot) {
    this.lostWorkers++;
    slot.worker.terminate();
    this.slots.delete(id);
    if (slot.active && !this.closed) this.starting.push(this.#spawn(id).catch(() => {}));
  }

  #killOverdue() {
    const at = now();
    for (const [id, slot] of this.slots) {
      if (slot.job === null || at - slot.sentAt <= this.timeoutMs) continue;
      this.#record(slot.job, id, TIMED_OUT, slot.sentAt, at, 0);
      slot.job = null;
      this.#replace(id, slot);
      this.#checkIdle();
    }
  }

  #wakeRoom() {
    for (const resolve of this.roomWaiters.splice(0)) resolve();
  }

  get isIdle() {
    return this.count.completed + this.count.failed + this.count.cancelled === this.submitted;
  }

  #checkIdle() {
    if (!this.isIdle) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    if (this.closed) for (const id of [...this.slots.keys()]) if (this.slots.get(id).job === null) this.#end(id);
  }

  done() {
    return this.isIdle ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  cancel() {
    const at = now();
    const dropped = [...this.queue.slice(this.head), ...[...this.slices.values()].flat()];
    this.queue = [];
    this.head = 0;
    this.slices.clear();
    for (const job of dropped) this.#record(job, 0, CANCELLED, at, at, 0);
    this.count.cancelled += dropped.length;
    this.#wakeRoom();
    this.#checkIdle();
    return dropped.length;
  }

  stop() {
    this.closed = true;
    this.cancel();
    this.#wakeRoom();
    this.#checkIdle();
    return this.done();
  }

  drain() {
    this.closed = true;
    this.#checkIdle();
    return this.done();
  }

  free() {
    clearInterval(this.watchdog);
    for (const id of [...this.slots.keys()]) this.#end(id);
  }

  takeEvents() {
    const events = Float64Array.from(this.pending);
    this.pending = [];
    return events;
  }

  takeFailures() {
    return this.failures.splice(0);
  }

  /// `[job, label]` for the jobs labelled since the last call.
  takeLabels() {
    return this.labels.splice(0);
  }

  counters() {
    const { started, completed, failed, timedOut, cancelled, rejected } = this.count;
    return {
      running: started - completed - failed, waiting: this.waiting, submitted: this.submitted,
      completed, failed, timedOut, cancelled, rejected,
      workers: this.target, liveWorkers: this.slots.size,
    };
  }

  workers() {
    return [...this.slots.entries()].map(([id, slot]) => ({ id, active: slot.active, jobs: slot.jobs, busyMs: slot.busyMs, thread: id }));
  }

  get liveWebWorkers() {
    return this.slots.size;
  }
}
