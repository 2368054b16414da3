// Starts, watches and replaces the Web Workers of one pool. This file is
// also each worker's script: a module worker can import the wasm-bindgen
// glue by URL with no bundler, so a page needs nothing but `pkg/`.

const ROLE = 'poolscope-worker';

// Where a worker is (`place`): in wasm (its loop, a Rust job, a report),
// running a JS job outside wasm, ended by the page while in a JS job, or
// told while in wasm that its job timed out (it ends itself).
const IN_CALL = 0;
const IN_WASM = 1;
const ENDED = 2;
const TIMED_OUT = 3;

/// A new worker first imports the wasm-bindgen glue. In WebKitGTK 2.50,
/// under load, that `import()` in a nested module worker sometimes never
/// settled (stuck for minutes: 5 of 30 workers once; the suites' stall that
/// remained after the timeout fix). So a worker reports 'loaded' and waits
/// for the page's 'go' before it instantiates the module and touches the
/// shared memory; one that has not loaded by LOAD_DEADLINE_MS is ended,
/// which is safe before 'go' (it owns no stack, TLS or lock yet), and
/// another is started in its place.
const LOAD_DEADLINE_MS = 10_000;
const LOAD_TRIES = 3;

export class WorkerHost {
  /// `pool` holds the Rust side: `startFailed(pointer, id)`,
  /// `lost(pointer, id, crashed) -> new pointer or 0`, `overdue() -> ids`.
  constructor(glueUrl, module, memory, pool, jobTimeoutMs) {
    Object.assign(this, { glueUrl, module, memory, pool });
    this.starting = [];
    // Strong references: Firefox may collect a Worker nobody holds.
    // `timedOut`: its job was reported and its id handed on; it ends by itself.
    this.workers = new Map(); // Worker -> { id, corePointer, tls, stack, timedOut }
    this.lostThreads = 0;
    this.stalledStarts = 0; // Web Workers ended because their module never loaded
    this.calls = null; // the page's half of JS jobs (www/lib/js-jobs/pool.js), once attached
    if (jobTimeoutMs > 0) this.watchTimeouts(jobTimeoutMs);
  }

  /// Checks for jobs past a timeout of `timeoutMs` (the pool's, or a call's own) often enough.
  watchTimeouts(timeoutMs) {
    const period = Math.min(50, Math.max(5, timeoutMs / 4));
    if (this.watchdog && this.watchPeriod <= period) return;
    clearInterval(this.watchdog);
    this.watchPeriod = period;
    this.watchdog = setInterval(() => this.#killOverdue(), period);
  }

  /// `calls` hears what workers send about JS jobs: `fromWorker(data, reply)`.
  attachCalls(calls) {
    this.calls = calls;
  }

  /// Tells worker `id`'s Web Worker that the caller of its call job `job` aborted it.
  abortCall(id, job) {
    for (const [worker, record] of this.workers) {
      if (record.id === id && !record.timedOut) worker.postMessage({ type: 'call-abort', job });
    }
  }

  /// Starts one worker per id; resolves once they all run their loop, or
  /// rejects with the first that cannot start.
  spawn(corePointers, ids) {
    const started = Array.from(ids, (id, i) => this.#spawnOne(corePointers[i], id));
    this.starting.push(...started);
    return Promise.all(started).then(() => undefined);
  }

  /// Resolves once every worker started so far runs its loop.
  ready() {
    return Promise.all(this.starting).then(() => undefined);
  }

  /// Web Workers started and not yet ended.
  get liveCount() {
    return this.workers.size;
  }

  dispose() {
    clearInterval(this.watchdog);
    this.calls = null;
  }

  /// Starts a Web Worker for worker `id`. One whose module import has
  /// not settled after LOAD_DEADLINE_MS is ended and another started in
  /// its place, up to LOAD_TRIES times (see `startWorker`).
  async #spawnOne(corePointer, id) {
    for (let attempt = 1; ; attempt++) {
      const worker = new Worker(new URL(import.meta.url), { type: 'module', name: `${ROLE} ${id}` });
      // Where the worker is, shared with it: in wasm, or running a JS job
      // outside it, or ended by the page (see `#endCallWorker`).
      const place = new Int32Array(new SharedArrayBuffer(4));
      place[0] = IN_WASM;
      const record = { id, corePointer, tls: 0, stack: 0, place };
      this.workers.set(worker, record);
      const started = await new Promise((resolve, reject) => {
        const loading = setTimeout(() => {
          this.#forget(worker); // it never touched the shared memory: see `startWorker`
          resolve(false);
        }, LOAD_DEADLINE_MS);
        worker.onmessage = ({ data }) => {
          switch (data.type) {
            case 'loaded': clearTimeout(loading); worker.postMessage({ type: 'go' }); break;
            case 'thread': Object.assign(record, { tls: data.tls, stack: data.stack }); break;
            case 'ready': resolve(true); break;
            case 'exited': this.#forget(worker); break;
            case 'crashed': this.#crashed(worker); break;
            default: this.calls?.fromWorker(data, (message, transfer) => worker.postMessage(message, transfer));
          }
        };
        worker.onerror = (event) => {
          clearTimeout(loading);
          this.#forget(worker);
          this.pool.startFailed(corePointer, id);
          reject(new Error(`worker ${id} failed to start: ${event.message || 'script error'}`));
        };
        worker.postMessage({ glueUrl: this.glueUrl, module: this.module, memory: this.memory, corePointer, id, place: place.buffer });
      });
      if (started) return;
      this.stalledStarts++;
      if (attempt === LOAD_TRIES) {
        this.pool.startFailed(corePointer, id);
        throw new Error(`worker ${id} failed to start: its module did not load within ${LOAD_DEADLINE_MS} ms, ${LOAD_TRIES} times`);
      }
    }
  }

  #forget(worker) {
    this.workers.delete(worker);
    worker.onmessage = worker.onerror = null;
    worker.terminate();
  }

  /// A worker trapped (a panicking job): its thread is stopped for good,
  /// so its stack and TLS can be freed; a new one takes its id.
  #crashed(worker) {
    const record = this.workers.get(worker);
    if (!record) return;
    this.#forget(worker);
    this.#freeThread(record);
    if (record.timedOut) return; // trapped after its job was reported: its id is handed on already
    this.lostThreads++;
    const pointer = this.pool.lost(record.corePointer, record.id, true);
    if (pointer !== 0) this.spawn([pointer], [record.id]).catch(() => {});
  }

  async #freeThread({ tls, stack }) {
    if (!tls || !stack) return;
    const glue = await import(this.glueUrl);
    glue.initSync().__wbindgen_thread_destroy(tls, stack, 0); // as the leader: frees the follower's memory
  }

  /// Jobs past the timeout: the core reported them; a new thread takes
  /// each worker's id at once. A worker running a JS job (outside wasm) is
  /// ended now (`#endCallWorker`). One running wasm (a Rust job, or the
  /// core's own code) is *not* terminated: its job stops at the next safe
  /// point and the thread frees itself and ends ('exited'). This once
  /// terminated it and freed its stack and TLS a second later, but
  /// `terminate()` does not stop running wasm at once: under load Chromium
  /// ran a terminated worker's job on for 2 s, WebKit to its end, writing
  /// to a stack the allocator had meanwhile handed to the next pool. That
  /// corrupted pools at random (a job failing on a worker that never
  /// panicked, a wake-up or count lost so that `done()` never settled):
  /// the stall of the browser suites under load.
  #killOverdue() {
    const overdue = new Set(this.pool.overdue());
    if (overdue.size === 0) return;
    // Collect first: a replacement joins `workers` under the same id.
    const stuck = [...this.workers].filter(([, record]) => overdue.has(record.id) && !record.timedOut);
    for (const [worker, record] of stuck) {
      record.timedOut = true;
      this.lostThreads++;
      if (this.#markTimedOut(record.place)) this.#endCallWorker(worker, record);
      const pointer = this.pool.lost(record.corePointer, record.id, false);
      if (pointer !== 0) this.spawn([pointer], [record.id]).catch(() => {});
    }
  }

  /// Tells a worker whose job timed out: true if it runs a JS job (outside
  /// wasm: the page ends it); else it is in wasm and learns it from `place`
  /// or from the core, and ends itself.
  #markTimedOut(place) {
    for (;;) {
      if (Atomics.compareExchange(place, 0, IN_CALL, ENDED) === IN_CALL) return true;
      // In wasm: maybe about to start the JS job, which it then must not run.
      if (Atomics.compareExchange(place, 0, IN_WASM, TIMED_OUT) !== IN_CALL) return false;
    }
  }

  /// Ends a worker that runs a JS job. Safe, unlike ending one in wasm:
  /// the worker and the page agree through `place` (a compare-exchange on
  /// each side) that it is outside wasm and will never enter it again, and
  /// a JS job touches no wasm memory, so whenever `terminate()` takes
  /// effect, nothing the allocator hands out can be written by it. So its
  /// stack and TLS are freed at once, and its reference to the core
  /// dropped (it would never drop it itself).
  #endCallWorker(worker, record) {
    this.#forget(worker);
    this.#freeThread(record);
    this.pool.release(record.corePointer);
  }
}

const tick = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// Resolves once `isDone()` holds, without ever blocking this thread: it
/// sleeps on a futex word of the pool with `Atomics.waitAsync` where the
/// browser has it (Firefox ESR may not), and polls otherwise.
export async function waitUntil(memory, wordAddress, isDone) {
  for (;;) {
    const words = new Int32Array(memory.buffer);
    const seen = Atomics.load(words, wordAddress >> 2);
    if (isDone()) return;
    if (typeof Atomics.waitAsync === 'function') {
      const wait = Atomics.waitAsync(words, wordAddress >> 2, seen, 100);
      // A timer bounds every wait: WebKitGTK 2.50 once never settled a
      // waitAsync promise, not even past its timeout (a dedicated worker,
      // under load), and `done()` hung with the pool idle.
      if (wait.async) await Promise.race([wait.value, tick(100)]);
    } else {
      await tick(4);
    }
  }
}

/// Queues a batch as room frees up in a bounded queue. `trySubmit(offset)`
/// queues what fits from `offset` on and returns `[firstJob, queued]`.
export async function submitAsRoomFrees(memory, roomAddress, total, trySubmit) {
  let first = 0;
  for (let offset = 0; offset < total;) {
    const words = new Int32Array(memory.buffer);
    const seen = Atomics.load(words, roomAddress >> 2);
    const [start, queued] = trySubmit(offset);
    if (offset === 0) first = start;
    offset += queued;
    if (queued === 0) await waitUntil(memory, roomAddress, () => Atomics.load(new Int32Array(memory.buffer), roomAddress >> 2) !== seen);
  }
  return first;
}

// Threads of rayon pools (`Pool.withRayon`): held until they end.
const rayonThreads = new Set();

/// Starts a Web Worker that runs one thread of a rayon pool: `pointer` is
/// the boxed `rayon::ThreadBuilder`. It ends when its pool is dropped. One
/// whose module does not load in time is replaced, as in `WorkerHost`.
export function spawnRayonThread(glueUrl, module, memory, pointer, attempt = 1) {
  const worker = new Worker(new URL(import.meta.url), { type: 'module', name: `${ROLE} rayon` });
  rayonThreads.add(worker);
  const end = () => {
    rayonThreads.delete(worker);
    worker.onmessage = null;
    worker.terminate();
  };
  const loading = setTimeout(() => {
    end(); // before 'go': the builder is not taken yet
    if (attempt < LOAD_TRIES) spawnRayonThread(glueUrl, module, memory, pointer, attempt + 1);
  }, LOAD_DEADLINE_MS);
  worker.onmessage = ({ data }) => {
    if (data.type === 'loaded') {
      clearTimeout(loading);
      worker.postMessage({ type: 'go' });
    } else if (data.type === 'exited' || data.type === 'crashed') {
      end();
    }
  };
  worker.postMessage({ glueUrl, module, memory, rayonThread: pointer });
}

/// Called by a worker once it counts as live in the pool, just before it
/// takes its first job.
export function announceReady() {
  postMessage({ type: 'ready' });
}

/// A pool worker's loop: the core's, in wasm, until it ends or hands back
/// a JS job; the job runs outside wasm (its promise awaited on this
/// worker's own event loop), is reported, and the core's loop goes on.
/// Returns false if the page ended this worker during a JS job past its
/// timeout: then it must not touch the shared memory again.
async function runWorkerLoop(glue, corePointer, id, place) {
  // The page's messages about JS jobs (an abort) may come before the runner has loaded.
  let early = [];
  self.onmessage = ({ data }) => early?.push(data);
  let step = glue.__poolscopeWorkerMain(corePointer, id); // undefined once the worker retired, or its job timed out
  while (step !== undefined) {
    const [job, input] = step;
    const runner = runnerModule ?? (runnerModule = await import(glue.__poolscopeCallRunner(corePointer)));
    if (early) {
      early.forEach((data) => runner.onPageMessage(data));
      early = null;
      self.onmessage = ({ data }) => runner.onPageMessage(data);
    }
    // Timed out already (a slow first import, say): do not run it; the
    // core refuses its report below, and this worker ends.
    const timedOut = Atomics.compareExchange(place, 0, IN_WASM, IN_CALL) === TIMED_OUT;
    // At once for a function that returns a value: no turn of the event loop per job.
    let report = timedOut ? { ok: false, output: new Uint8Array(), message: '' }
      : runner.runEncoded(job, id, input, (data, transfer) => postMessage(data, transfer ?? []));
    if (report instanceof Promise) report = await report;
    const { ok, output, message } = report;
    if (!timedOut && Atomics.compareExchange(place, 0, IN_CALL, IN_WASM) !== IN_CALL) return false;
    if (!glue.__poolscopeCallFinished(corePointer, id, job, ok, output, message)) return true; // timed out meanwhile: its id went to another worker
    step = glue.__poolscopeWorkerResume(corePointer, id);
  }
  return true;
}

let runnerModule = null;

const inPoolWorker = typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope && self.name.startsWith(ROLE);
if (inPoolWorker) {
  self.onmessage = async ({ data }) => {
    self.onmessage = null;
    const glue = await import(data.glueUrl);
    // The page may have given up on this worker while the import hung
    // (LOAD_DEADLINE_MS): touch the shared memory only once it says go.
    await new Promise((go) => {
      self.onmessage = (message) => message.data.type === 'go' && go();
      postMessage({ type: 'loaded' });
    });
    self.onmessage = null;
    const wasm = glue.initSync({ module: data.module, memory: data.memory });
    // What the leader needs to free this thread's memory if it dies.
    postMessage({ type: 'thread', tls: wasm.__tls_base.value, stack: wasm.__stack_alloc.value });
    try {
      if (data.rayonThread !== undefined) glue.__poolscopeRayonThread(data.rayonThread); // returns when its rayon pool is dropped
      else if (!await runWorkerLoop(glue, data.corePointer, data.id, new Int32Array(data.place))) return; // ended by the page
    } catch (error) {
      // wasm32 aborts on panic: the job's message is already filed by the panic hook.
      postMessage({ type: 'crashed', message: String(error) });
      return;
    }
    wasm.__wbindgen_thread_destroy(); // frees this thread's stack and TLS in the shared memory
    postMessage({ type: 'exited' });
    close();
  };
}
