// Starts and tracks the Web Workers of one pool. This file is also each
// worker's script: a module worker can import the wasm-bindgen glue by URL
// with no bundler, so the page needs nothing but the `pkg/` folder.

const ROLE = 'poolscope-worker';

export class WorkerHost {
  /// `onStartFailure(corePointer, id)` gives back what a worker that never
  /// started was handed.
  constructor(glueUrl, module, memory, onStartFailure) {
    this.glueUrl = glueUrl;
    this.module = module;
    this.memory = memory;
    this.onStartFailure = onStartFailure;
    this.starting = [];
    // Strong references: Firefox may collect a Worker nobody holds.
    this.workers = new Map();
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

  #spawnOne(corePointer, id) {
    const worker = new Worker(new URL(import.meta.url), { type: 'module', name: `${ROLE} ${id}` });
    this.workers.set(worker, id);
    return new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data === 'ready') resolve();
        if (data === 'exited') this.#forget(worker);
      };
      worker.onerror = (event) => {
        this.#forget(worker);
        this.onStartFailure(corePointer, id);
        reject(new Error(`worker ${id} failed to start: ${event.message || 'script error'}`));
      };
      worker.postMessage({ glueUrl: this.glueUrl, module: this.module, memory: this.memory, corePointer, id });
    });
  }

  #forget(worker) {
    this.workers.delete(worker);
    worker.onmessage = worker.onerror = null;
    worker.terminate();
  }

  /// Web Workers started and not yet ended.
  get liveCount() {
    return this.workers.size;
  }
}

/// Resolves once `isIdle()` holds, without ever blocking this thread: it
/// sleeps on the pool's idle futex word with `Atomics.waitAsync` where the
/// browser has it, and polls otherwise.
export async function waitForIdle(memory, wordAddress, isIdle) {
  for (;;) {
    const words = new Int32Array(memory.buffer);
    const seen = Atomics.load(words, wordAddress >> 2);
    if (isIdle()) return;
    if (typeof Atomics.waitAsync === 'function') {
      const wait = Atomics.waitAsync(words, wordAddress >> 2, seen, 100);
      if (wait.async) await wait.value;
    } else {
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
  }
}

/// Called by a worker once it counts as live in the pool, just before it
/// takes its first job.
export function announceReady() {
  postMessage('ready');
}

const inPoolWorker = typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope && self.name.startsWith(ROLE);
if (inPoolWorker) {
  self.onmessage = async ({ data }) => {
    self.onmessage = null;
    const glue = await import(data.glueUrl);
    const wasm = glue.initSync({ module: data.module, memory: data.memory });
    glue.__poolscopeWorkerMain(data.corePointer, data.id); // returns when the worker retires
    wasm.__wbindgen_thread_destroy(); // frees this thread's stack and TLS in the shared memory
    postMessage('exited');
    close();
  };
}
