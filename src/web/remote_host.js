// The message-passing build's host (remote_host.rs): starts and ends the
// Web Workers of one pool, each with an instance of this module of its own
// (no shared memory), and carries jobs to them and results back. It
// decides nothing: the page's instance of the core says what each worker
// does next and records what each job did. This file is also each
// worker's script: a module worker imports the glue by URL.

const ROLE = 'poolscope-remote';

/// A worker that has not said 'ready' this long after it was started is
/// ended and another started in its place, up to LOAD_TRIES times. In
/// Chromium 156 under load, one of 30 new workers once never said it (its
/// glue's import never settled: still not ready after 60 s, the 29 others
/// were); the shared-memory host retries the same way (worker_host.js).
/// A worker of this host owns nothing shared, so ending it is always safe.
const LOAD_DEADLINE_MS = 10_000;
const LOAD_TRIES = 3;

// `timeOrigin` read once: WebKit recomputes it on every read (src/sys/README.md).
const ORIGIN = performance.timeOrigin;
const now = () => ORIGIN + performance.now();

export class RemoteHost {
  /// `pool` holds the core's side: `started(id)`, `next(id)` (a job by
  /// name: `{ action: 'run', job, kind, costMs, fail, iterations }`, or
  /// `{ action: 'wait' }`, `{ action: 'end' }`), `finished(id, job, value,
  /// started, finished)`, `crashed(id, message)`, `overdue()`,
  /// `timedOut(id)`, `startFailed(id)`, `isIdle()`, and `outcomes`, the
  /// core's numbers for a call's `settle` (`{ completed, failed, timedOut,
  /// cancelled }`).
  constructor(glueUrl, module, pool, jobTimeoutMs) {
    Object.assign(this, { glueUrl, module, pool });
    this.workers = new Map(); // id -> { worker, ready, job (or null) }
    this.calls = new Map(); // job -> { moduleUrl, exportName, args, settle }, until it settles (`submitCalls`)
    this.jsCalls = null; // the page's half of JS jobs (www/lib/js-jobs/pool.js), once attached
    this.waiters = []; // [isDone, resolve]
    this.roomWaiters = [];
    this.starting = [];
    this.lostThreads = 0;
    this.stalledStarts = 0; // Web Workers ended because they did not load in time
    this.scheduled = false;
    if (jobTimeoutMs > 0) this.watchTimeouts(jobTimeoutMs);
  }

  /// Checks for jobs past a timeout of `timeoutMs` (the pool's, or a call's own) often enough.
  watchTimeouts(timeoutMs) {
    const period = Math.min(50, Math.max(5, timeoutMs / 4));
    if (this.watchdog && this.watchPeriod <= period) return;
    clearInterval(this.watchdog);
    this.watchPeriod = period;
    this.watchdog = setInterval(() => this.#timeOut(), period);
  }

  /// `calls` gives each JS job's message (`callMessage(job)`) and hears
  /// what workers send about them (`fromWorker(data)`).
  attachCalls(calls) {
    this.jsCalls = calls;
  }

  /// Tells worker `id` that the caller of its call job `job` aborted it.
  abortCall(id, job) {
    const slot = this.workers.get(id);
    if (slot?.job === job) slot.worker.postMessage({ type: 'call-abort', job });
  }

  /// Starts one worker per id; resolves once they all run, or rejects
  /// with the first that cannot start.
  spawn(ids) {
    const started = Array.from(ids, (id) => this.#start(id));
    this.starting.push(...started);
    return Promise.all(started).then(() => undefined);
  }

  ready() {
    return Promise.all(this.starting).then(() => undefined);
  }

  get liveCount() {
    return this.workers.size;
  }

  /// The pool changed (a submit, a resize, a stop): once the caller's Rust
  /// frame has returned, idle workers ask the core for their next step.
  changed() {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.#handOut();
    });
  }

  /// Waiting jobs were cancelled: their calls are settled so. The calls
  /// left are exactly the jobs that were waiting or running, and the
  /// running ones are on a worker.
  cancelled() {
    const running = new Set([...this.workers.values()].map((slot) => slot.job));
    for (const [job, call] of this.calls) {
      if (running.has(job)) continue;
      this.calls.delete(job);
      call.settle(this.pool.outcomes.cancelled, undefined, job, 0);
    }
  }

  /// Resolves once `isDone()` holds, checked after every change and reply.
  when(isDone) {
    if (isDone()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push([isDone, resolve]));
  }

  /// Queues a batch as room frees up in a bounded queue. `trySubmit(offset)`
  /// queues what fits from `offset` on and returns `[firstJob, queued]`.
  async submitAsRoomFrees(total, trySubmit) {
    let first = 0;
    for (let offset = 0; offset < total;) {
      const [start, queued] = trySubmit(offset);
      if (offset === 0) first = start;
      offset += queued;
      this.changed();
      if (queued === 0) await new Promise((resolve) => this.roomWaiters.push(resolve)); // a worker takes a job
    }
    return first;
  }

  /// Keeps the calls of jobs `first`, `first + 1`, ... for the workers.
  keepCalls(first, moduleUrl, exportName, calls, settle) {
    calls.forEach((args, i) => this.calls.set(first + i, { moduleUrl, exportName, args, settle }));
  }

  dispose() {
    this.disposed = true; // the core's callbacks go with the pool
    this.jsCalls = null;
    clearInterval(this.watchdog);
    for (const id of [...this.workers.keys()]) this.#forget(id);
    // Nothing waits on a freed pool for good: it counts as done, and a
    // batch waiting for room tries once more and is refused (PoolStopped).
    for (const [, resolve] of this.waiters.splice(0)) resolve();
    for (const resolve of this.roomWaiters.splice(0)) resolve();
  }

  /// Starts worker `id`, again if it did not load in time (LOAD_DEADLINE_MS).
  async #start(id) {
    for (let attempt = 1; !(await this.#startOnce(id)); attempt++) {
      this.stalledStarts++;
      if (this.disposed) return;
      if (attempt === LOAD_TRIES) {
        this.pool.startFailed(id);
        throw new Error(`worker ${id} failed to start: it did not load within ${LOAD_DEADLINE_MS} ms, ${LOAD_TRIES} times`);
      }
    }
  }

  /// One Web Worker for `id`: true once it is ready, false if it was ended for not loading in time.
  #startOnce(id) {
    const worker = new Worker(new URL(import.meta.url), { type: 'module', name: `${ROLE} ${id}` });
    const slot = { worker, ready: false, job: null };
    this.workers.set(id, slot);
    return new Promise((resolve, reject) => {
      const loading = setTimeout(() => {
        if (this.workers.get(id) === slot) this.#forget(id);
        resolve(false);
      }, LOAD_DEADLINE_MS);
      worker.onmessage = ({ data }) => {
        if (this.disposed || this.workers.get(id) !== slot) return; // ended meanwhile
        if (data.type === 'call-progress') {
          this.jsCalls?.fromWorker(data);
        } else if (data.type === 'ready') {
          clearTimeout(loading);
          slot.ready = true;
          this.pool.started(id);
          resolve(true);
          this.#handOut();
        } else {
          this.#replied(id, slot, data);
        }
      };
      worker.onerror = (event) => {
        if (slot.ready || this.disposed) return; // a running worker reports through its messages
        clearTimeout(loading);
        this.#forget(id);
        this.pool.startFailed(id);
        reject(new Error(`worker ${id} failed to start: ${event.message || 'script error'}`));
      };
      worker.postMessage({ glueUrl: this.glueUrl, module: this.module }); // compiled once, by the page
    });
  }

  /// Asks the core what each idle worker is to do, and does it.
  #handOut() {
    if (this.disposed) return;
    let took = false;
    for (const [id, slot] of this.workers) took = this.#handOutTo(id, slot) || took;
    this.#settle(took);
  }

  /// The same for one worker; true if it took a job.
  #handOutTo(id, slot) {
    if (!slot.ready || slot.job !== null) return false;
    const { action, job, kind, costMs, fail, iterations } = this.pool.next(id);
    if (action === 'wait') return false;
    if (action === 'end') {
      this.#forget(id);
      return false;
    }
    slot.job = job;
    const message = { job, kind, costMs, fail, iterations };
    let transfer = [];
    if (kind === 'closure') { // a call kept by `keepCalls`
      const { moduleUrl, exportName, args } = this.calls.get(job);
      Object.assign(message, { moduleUrl, exportName, args });
    } else if (kind === 'call') { // a JS job: its call is with the page's half of them
      const { call, runnerUrl, transfer: moved } = this.jsCalls.callMessage(job);
      Object.assign(message, { call, runnerUrl, worker: id });
      transfer = moved;
    }
    slot.worker.postMessage(message, transfer);
    return true;
  }

  /// Room was made (`took`), or a job ended: wake who waits for either.
  #settle(took) {
    if (took) for (const resolve of this.roomWaiters.splice(0)) resolve();
    if (this.waiters.length > 0) this.waiters = this.waiters.filter(([isDone, resolve]) => (isDone() ? (resolve(), false) : true));
  }

  #replied(id, slot, data) {
    if (slot.job !== data.job) return; // a job the watchdog reported already
    slot.job = null;
    const call = this.calls.get(data.job);
    this.calls.delete(data.job);
    if (data.type === 'call-done' || data.type === 'call-failed') {
      // A JS job: its value or error goes to the page's half of calls, then the core records it.
      const ok = data.type === 'call-done';
      if ('value' in data) this.jsCalls?.fromWorker({ type: 'call-value', job: data.job, value: data.value });
      if (!ok) this.jsCalls?.fromWorker({ type: 'call-error', job: data.job, error: data.error });
      const message = ok ? '' : `${data.error.name}: ${data.error.message}`;
      this.pool.callFinished(id, data.job, ok, message, data.started, data.finished);
      if (!this.disposed) this.#settle(this.#handOutTo(id, slot));
      return;
    }
    if (data.type === 'crashed') {
      // Its instance trapped (a panicking job aborts wasm): the core fails
      // the job with the message, and a new worker takes the id.
      this.#forget(id);
      this.lostThreads++;
      if (this.pool.crashed(id, data.message)) this.spawn([id]).catch(() => {});
      call?.settle(this.pool.outcomes.failed, data.message, data.job, id);
    } else {
      const value = typeof data.value === 'number' ? data.value >>> 0 : 0; // a call's value reaches `settle`, not the trace
      if (this.pool.finished(id, data.job, value, data.started, data.finished)) call?.settle(this.pool.outcomes.completed, data.value, data.job, id);
      // Only this worker turned idle: the others' steps stand.
      if (!this.disposed) this.#settle(this.#handOutTo(id, slot));
      return;
    }
    this.#handOut();
  }

  /// Jobs past the timeout: the core reported them. A worker with an
  /// instance of its own may be ended at once (a shared-memory thread may
  /// not: see worker_host.js); a new one takes its id.
  #timeOut() {
    if (this.disposed) return;
    for (const id of this.pool.overdue()) {
      const slot = this.workers.get(id);
      const call = slot && this.calls.get(slot.job);
      if (call) {
        this.calls.delete(slot.job);
        call.settle(this.pool.outcomes.timedOut, undefined, slot.job, id);
      }
      this.#forget(id);
      this.lostThreads++;
      if (this.pool.timedOut(id)) this.spawn([id]).catch(() => {});
    }
    this.#handOut();
  }

  #forget(id) {
    const slot = this.workers.get(id);
    if (!slot) return;
    this.workers.delete(id);
    slot.worker.onmessage = slot.worker.onerror = null;
    slot.worker.terminate();
  }
}

// A worker: loads its own instance of the glue, then runs one job per
// message and replies with its value and its times on the shared clock.
async function runWorker() {
  let glue;
  let panicMessage = null;
  globalThis.__poolscopePanic = (message) => { panicMessage = message; };
  const modules = new Map(); // a call's module, loaded before its job's clock starts
  let runner = null; // www/lib/js-jobs/runner.js, for JS jobs
  const early = []; // aborts that came before it loaded
  const load = (url) => {
    if (!modules.has(url)) modules.set(url, import(url).then(async (module) => { await module.default(); return module; }));
    return modules.get(url);
  };
  self.onmessage = async ({ data }) => {
    if (data.type === 'call-abort') { // about a JS job: maybe before the runner has loaded
      if (runner) runner.onPageMessage(data);
      else early.push(data);
      return;
    }
    if (data.kind === 'call') {
      if (!runner) {
        runner = await import(data.runnerUrl);
        early.splice(0).forEach((message) => runner.onPageMessage(message));
      }
      const started = now();
      const post = (message, transfer) => postMessage(message, transfer ?? []);
      const ran = await runner.runCall({ job: data.job, worker: data.worker, ...data.call }, post);
      // A chunk whose items threw fails as a job, and still carries every item's value or error.
      const failure = ran.ok ? ran.failure : ran.error;
      const reply = !failure ? { type: 'call-done', job: data.job, value: ran.value }
        : { type: 'call-failed', job: data.job, error: failure, ...(ran.ok ? { value: ran.value } : {}) };
      try {
        postMessage({ ...reply, started, finished: now() }, ran.ok ? ran.transfer : []);
      } catch (thrown) { // a value structured clone cannot carry (a function, say)
        const error = { name: thrown?.name ?? 'DataCloneError', message: `job ${data.job}'s value cannot be sent to the page: ${thrown?.message ?? thrown}`, stack: '' };
        postMessage({ type: 'call-failed', job: data.job, error, started, finished: now() });
      }
      return;
    }
    if (data.glueUrl) {
      glue = await import(data.glueUrl);
      glue.initSync({ module: data.module }); // an instance, and a memory, of its own
      postMessage({ type: 'ready' });
      return;
    }
    const module = data.kind === 'closure' ? await load(data.moduleUrl) : null;
    const started = now();
    let value = 0;
    try {
      if (data.kind === 'cpu') value = glue.__poolscopeCpuWork(data.job, data.iterations);
      else if (data.kind === 'sleep') await new Promise((resolve) => setTimeout(resolve, data.costMs));
      else if (data.kind === 'noop') value = data.job;
      else value = module[data.exportName](...data.args);
      if (data.fail) glue.__poolscopeFailJob(data.job); // panics: wasm32 aborts, as in the shared-memory pool
    } catch (error) {
      postMessage({ type: 'crashed', job: data.job, message: panicMessage ?? String(error?.message ?? error) });
      return; // this instance is spent: the page ends this worker and starts another
    }
    // A picture's pixels move to the page rather than being copied.
    postMessage({ type: 'done', job: data.job, started, finished: now(), value }, ArrayBuffer.isView(value) ? [value.buffer] : []);
  };
}

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope && self.name.startsWith(ROLE)) runWorker();
