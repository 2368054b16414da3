// @ts-check
// JS jobs: `pool.run(name, args, options)` and `pool.map(name, items,
// options)` call named exports of an ES module in the pool's workers,
// through the same queue as every other job (exactly once, the trace, the
// counters, resizes, partitions, timeouts). The page's half: it queues
// the calls (`__queueCalls`), hands large or non-plain arguments to the
// args broker (args-broker.js), and settles each job's promise from the
// core's reports, taken in batches (`__takeCallReports`). The workers'
// half is runner.js. Same API in both modes; in shared-memory mode small
// plain arguments and results cross in the queue, without a message.

import { appendText, decodeText, plainJson, plainJsonList } from './runner.js';
import { BROKER_NAME } from './args-broker.js';

const RUNNER_URL = new URL('./runner.js', import.meta.url).href;
const BROKER_URL = new URL('./args-broker.js', import.meta.url).href;
/** From this many jobs out, the page takes their reports in batches (see `drain`). */
const GATHER_FROM = 64;
/** Values kept for the views at most, when nothing takes them. */
const MOST_SHOWN = 10_000;
/** How long a module may take to load in the probe worker before the call is refused. */
const PROBE_DEADLINE_MS = 15_000;
/** `chunk: 'auto'`: about this many chunks per worker, so a resize or an uneven item still finds work to share. */
const CHUNKS_PER_WORKER = 16;
/** `chunk: 'auto'`: items per chunk at most until the function's cost is measured. */
const MOST_AUTO_CHUNK = 1024;
/** `chunk: 'auto'`, the function's cost measured: about this long a chunk, in ms (a call's dispatch is some 10-50 µs)... */
const TARGET_CHUNK_MS = 2;
/** ...and at most this many items. */
const MOST_MEASURED_CHUNK = 100_000;
/** `chunk: n`: n at most. */
const MOST_CHUNK = 1_000_000;

/**
 * Options of one call (`run`) or of every call of a batch (`map`).
 * @typedef {object} CallOptions
 * @property {string | URL} [module] the module whose export is called (default: the pool's `module` option); same origin as the page
 * @property {AbortSignal} [signal] aborting drops the jobs still waiting (they never run; their promises reject with `AbortError`) and fires the running ones' `context.signal`
 * @property {number} [timeoutMs] a job running longer is reported `timed out` (its promise rejects with `TimedOut`) and its worker replaced (1 ms to 1 hour; default: the pool's `jobTimeoutMs`)
 * @property {(value: unknown, job: number) => void} [onProgress] hears each `context.progress(value)` of a job
 */
/**
 * @typedef {CallOptions & { label?: string, transfer?: Transferable[] }} RunOptions
 * `label`: shown in the views (`Job 7 (resize photo-3.jpg) is done by worker 2`; at most 256 bytes);
 * `transfer`: buffers among the arguments to move to the worker rather than copy.
 */
/**
 * @template I
 * @typedef {CallOptions & { label?: (item: I, index: number) => string, partition?: boolean, chunk?: 'auto' | number }} MapOptions
 * `label(item, index)`: each job's label; `partition`: fixed slices, one per worker, as the article's manual partitioning;
 * `chunk`: items per job: `'auto'` (the default: one item per job for a short batch, or with a `label` or
 * `timeoutMs`; a long one in chunks of about 16 per worker, each labelled `items 0-99`, of up to 1,024 items
 * until the function's cost is measured, then of about 2 ms of it: a function that costs that much an item
 * runs a job per item),
 * or a number (1 = a job per item).
 */
/**
 * One finished item of a batch, as `for await` gives it: `job` is the job
 * that ran it (several items share one in a chunk).
 * @template T
 * @typedef {{ index: number, job: number, worker: number, ok: true, value: T } | { index: number, job: number, worker: number, ok: false, error: Error }} JobResult
 */
/** @typedef {import('./runner.js').ErrorFields} ErrorFields */
/**
 * One job to queue: a call's arguments, or a chunk's (`[items]`).
 * @typedef {{ args: unknown[], first: number, count: number, chunk: boolean }} Call
 */
/**
 * A queued job, until its report: its batch, its first item and how many.
 * @typedef {{ batch: JobBatch<any>, index: number, count: number, chunk: boolean, fn: string, call?: object, transfer?: Transferable[], ticket?: number, onProgress?: Function, aborted?: boolean }} Entry
 * `call`: what goes by message (message passing); `ticket`: its arguments' number at the args broker (shared memory).
 */
/**
 * What a job function gets after its arguments.
 * @typedef {object} JobContext
 * @property {number} job its job number
 * @property {number} worker the worker running it
 * @property {string} label its label ('' for none)
 * @property {AbortSignal} signal fires when its caller aborts it
 * @property {(value: unknown) => void} progress reports progress to the caller's `onProgress` and the views
 * @property {<V>(value: V, list: Transferable[]) => V} transfer return `context.transfer(value, [buffer])` to move buffers to the page rather than copy them
 */

/**
 * JS jobs on a pool: the methods `withJsJobs` adds to a build's class.
 * @typedef {object} JsJobs
 * @property {<T = any>(name: string, args?: unknown[], options?: RunOptions) => Promise<T>} run
 *   runs `name(...args, context)` of the module in a worker; resolves with its value, rejects with the error it threw
 *   (its own `name`, `message` and `stack`, plus `job` and `worker`) or a named one (`TimedOut`, `AbortError`, `Cancelled`, ...)
 * @property {<T = any, I = any>(name: string, items: Iterable<I>, options?: MapOptions<I>) => JobBatch<T>} map
 *   runs `name(item, context)` for each item, a job each or a chunk of them per job (`chunk`): `await` it for the values
 *   in input order, or `for await` it for each item as its job finishes
 * @property {() => Map<number, unknown>} jobProgress each running JS job's last `progress` value, by job number
 * @property {() => [number, string][]} takeJobValues the JS jobs finished since the last call, each with its value in a few words (for the views)
 */

/**
 * An error with a `name` callers can test, and fields.
 * @param {string} name
 * @param {string} message
 * @param {Record<string, unknown>} [fields]
 */
function namedError(name, message, fields = {}) {
  const error = Object.assign(new Error(message), fields);
  error.name = name;
  return error;
}

/** Module URL -> its function exports, or why it cannot be used; checked once per page. */
/** @type {Map<string, Promise<Set<string>>>} */
const probes = new Map();
/** @type {Map<string, Set<string> | Error>} */
const probed = new Map();

/**
 * Imports `url` in a worker of its own (so none of its code runs on the
 * page) and resolves to its function exports' names.
 * @param {string} url
 * @returns {Promise<Set<string>>}
 */
function probe(url) {
  let probing = probes.get(url);
  if (!probing) {
    probing = new Promise((resolve, reject) => {
      const worker = new Worker(RUNNER_URL, { type: 'module', name: 'poolscope-probe' });
      const end = () => { clearTimeout(deadline); worker.terminate(); };
      const deadline = setTimeout(() => {
        end();
        reject(namedError('ModuleLoadError', `the module ${url} did not load within ${PROBE_DEADLINE_MS / 1000} s`));
      }, PROBE_DEADLINE_MS);
      // The module goes once the probe says it listens: a page (or a test
      // harness: wasm-bindgen-test's console shim) may wrap a worker in a
      // script that awaits an import of ours, and a message sent at once
      // would come before our listener and be lost.
      worker.onmessage = ({ data }) => {
        if (data?.type === 'probe-ready') {
          worker.postMessage({ module: url });
          return;
        }
        end();
        if (data.ok) resolve(new Set(data.functions));
        else reject(namedError('ModuleLoadError', `the module ${url} failed to load: ${data.error.name}: ${data.error.message}${blockedHint(url, data.error.name)}`, { cause: data.error }));
      };
      worker.onerror = (event) => {
        end();
        reject(namedError('ModuleLoadError', `the module ${url} failed to load: ${event.message || 'script error'}`));
      };
    });
    probes.set(url, probing);
    probing.then((functions) => probed.set(url, functions), (error) => {
      probed.set(url, error);
      setTimeout(() => { probes.delete(url); probed.delete(url); }, 1000); // a module fixed since may be tried again
    });
  }
  return probing;
}

/**
 * Why a module made in the page may not load where its code is sound: the
 * Content-Security-Policy of the workers' scripts.
 * @param {string} url
 * @param {string} errorName
 */
function blockedHint(url, errorName) {
  if (!url.startsWith('blob:') || errorName === 'SyntaxError') return '';
  return ' (a module made in the page loads only where the Content-Security-Policy of poolscope\'s worker scripts allows script-src blob:; see the README)';
}

/**
 * A module option as an absolute same-origin URL, or a named error.
 * @param {unknown} module
 * @returns {string}
 */
function moduleUrl(module) {
  if (module === undefined || module === null) {
    throw namedError('NoModule', 'no module to call: give the pool a `module` option (new Pool(size, { module: new URL(\'./tasks.js\', import.meta.url) })) or the call one');
  }
  if (typeof module !== 'string' && !(module instanceof URL)) {
    throw namedError('InvalidModule', `module ${describe(module)} is not a URL or a string`);
  }
  let url;
  try {
    url = new URL(module, globalThis.location?.href);
  } catch {
    throw namedError('InvalidModule', `module ${describe(module)} is not a valid URL`);
  }
  if (url.protocol === 'data:') {
    throw namedError('CrossOriginModule', `module ${url.href.slice(0, 40)}... is inlined into the page (a bundler inlines small files: Vite's build.assetsInlineLimit): a pool's workers load modules from the page's origin only, so serve it as a file (Vite: build: { assetsInlineLimit: 0 })`);
  }
  // A `blob:` URL made by this page (code typed into it, say) has the
  // page's origin: its workers may import it where the policy of their
  // scripts allows `script-src blob:` (README, "Content-Security-Policy").
  if (url.protocol === 'blob:' && globalThis.location && url.origin !== globalThis.location.origin) {
    throw namedError('CrossOriginModule', `module ${url.href} was not made by this page (${globalThis.location.origin})`);
  }
  if (globalThis.location && url.origin !== globalThis.location.origin) {
    throw namedError('CrossOriginModule', `module ${url.href} is not of this page's origin (${globalThis.location.origin}): a pool's workers load only same-origin modules (copy it next to the page)`);
  }
  return url.href;
}

/**
 * A value in a few words, for a log line: `6`, `"done"`, `{"w":640}`, `Float64Array(1024)`.
 * @param {unknown} value
 */
export function shortText(value) {
  let text;
  if (ArrayBuffer.isView(value)) text = `${value.constructor.name}(${/** @type {any} */ (value).length ?? value.byteLength})`;
  else if (value instanceof Map || value instanceof Set) text = `${value.constructor.name}(${value.size})`;
  else if (value instanceof ArrayBuffer) text = `ArrayBuffer(${value.byteLength})`;
  else if (value === undefined) text = 'undefined';
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'number') text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** @param {unknown} value */
function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value);
  return String(value);
}

/**
 * One batch of calls (one `run` or one `map`): its results in input
 * order, and as they finish.
 * @template T
 */
export class JobBatch {
  /** @param {number} length */
  constructor(length) {
    /** @type {(T | undefined)[]} */
    this.values = new Array(length);
    /** @type {JobResult<T>[]} the finished, not yet iterated */
    this.finished = [];
    /** @type {[(result: IteratorResult<JobResult<T>>) => void, (error: Error) => void][]} */
    this.waiting = [];
    this.length = length;
    this.settled = 0;
    /** @type {Error | null} the first failure in input order */
    this.failure = null;
    this.failureIndex = Infinity;
    /** The first job's number, once queued (0 before). */
    this.firstJob = 0;
    /** @type {Promise<T[]>} */
    this.all = new Promise((resolve, reject) => { this.resolveAll = resolve; this.rejectAll = reject; });
    this.all.catch(() => {}); // a caller who only iterates must not see an unhandled rejection
    /** @type {() => void} */
    this.cancel = () => {};
  }

  /**
   * @param {number} index
   * @param {JobResult<T>} result
   */
  settle(index, result) {
    if (result.ok === false) {
      if (index < this.failureIndex) [this.failure, this.failureIndex] = [result.error, index];
    } else {
      this.values[index] = result.value;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter[0]({ value: result, done: false });
    else this.finished.push(result);
    if (++this.settled === this.length) this.end();
  }

  /** @param {Error} error */
  fail(error) {
    this.failure ??= error;
    this.end();
  }

  end() {
    if (this.failure) this.rejectAll(this.failure);
    else this.resolveAll(/** @type {T[]} */ (this.values));
    // Refused before anything was queued: iterating throws that error.
    const refused = this.firstJob === 0 && this.failure !== null;
    for (const [resolve, reject] of this.waiting.splice(0)) refused ? reject(/** @type {Error} */ (this.failure)) : resolve({ value: undefined, done: true });
  }

  /** Every job's value in input order; rejects with the first failed job's error (in input order). */
  results() {
    return this.all;
  }

  /**
   * `await pool.map(...)` gives the values in input order.
   * @template R1, R2
   * @param {((values: T[]) => R1 | PromiseLike<R1>) | null} [onResolved]
   * @param {((error: any) => R2 | PromiseLike<R2>) | null} [onRejected]
   * @returns {Promise<R1 | R2>}
   */
  then(onResolved, onRejected) {
    return this.all.then(onResolved, onRejected);
  }

  /** @returns {AsyncIterator<JobResult<T>>} each job as it finishes: `{ index, job, worker, ok, value | error }` */
  [Symbol.asyncIterator]() {
    return {
      next: () => {
        const result = this.finished.shift();
        if (result) return Promise.resolve({ value: result, done: false });
        if (this.firstJob === 0 && this.failure) return Promise.reject(this.failure);
        if (this.settled === this.length) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => this.waiting.push([resolve, reject]));
      },
    };
  }
}

/**
 * The page's half of one pool's JS jobs.
 */
export class CallTable {
  /**
   * @param {any} pool the wasm pool (PoolscopePool)
   * @param {'shared' | 'fallback'} mode
   * @param {unknown} module the pool's `module` option
   * @param {() => number} size the pool's size now (for `chunk: 'auto'`)
   */
  constructor(pool, mode, module, size) {
    this.pool = pool;
    this.size = size;
    this.shared = mode === 'shared';
    this.module = module;
    /** @type {Map<number, Entry>} each queued job, until its report */
    this.pending = new Map();
    /** @type {Map<number, unknown>} values that came by message */
    this.values = new Map();
    /** @type {Map<number, ErrorFields>} errors that came by message */
    this.errors = new Map();
    /** @type {Map<string, number>} each function's measured ms per item (from its latest chunk job), for `chunk: 'auto'` */
    this.itemMs = new Map();
    /** @type {Map<number, [number, number, Uint8Array, number]>} reports whose value has not come yet */
    this.parked = new Map();
    /** @type {Map<number, unknown>} each running job's last progress, for the views */
    this.progress = new Map();
    /** @type {Map<number, string>} finished jobs' values as short texts, until the views take them */
    this.shown = new Map();
    this.draining = false;
    this.freed = false;
    /** @type {Worker | undefined} holds arguments the queue does not carry (shared memory; args-broker.js) */
    this.broker = undefined;
    /** @type {MessagePort | undefined} the page's line to it */
    this.brokerLine = undefined;
    this.tickets = 0;
    /** @type {Map<AbortSignal, { batches: Set<{ batch: JobBatch<any>, first: number, count: number }>, onAbort: () => void }>} */
    this.signals = new Map();
    this.outcomes = Object.fromEntries(pool.constructor.outcomes().map((/** @type {string} */ name, /** @type {number} */ i) => [name, i]));
    pool.__attachCalls({
      fromWorker: (/** @type {any} */ data, /** @type {any} */ reply) => this.fromWorker(data, reply),
      callMessage: (/** @type {number} */ job) => this.callMessage(job),
    }, RUNNER_URL);
  }

  /**
   * @template T
   * @param {unknown} name
   * @param {unknown} args
   * @param {RunOptions} [options]
   * @returns {Promise<T>}
   */
  run(name, args = [], options = {}) {
    const batch = /** @type {JobBatch<T>} */ (new JobBatch(1));
    try {
      if (!Array.isArray(args)) throw namedError('InvalidArguments', `args ${describe(args)} is not an array: run(name, [arg1, arg2], options)`);
      const { label, transfer } = checkOptions(options);
      if (label !== undefined && typeof label !== 'string') throw namedError('InvalidOption', `label ${describe(label)} is not a string`);
      this.queue(batch, String(name), [{ args, first: 0, count: 1, chunk: false }], options, label === undefined ? null : () => label, transfer);
    } catch (error) {
      batch.fail(/** @type {Error} */ (error));
    }
    return batch.then((values) => values[0]);
  }

  /**
   * @template I, T
   * @param {unknown} name
   * @param {Iterable<I>} items
   * @param {MapOptions<I>} [options]
   * @returns {JobBatch<T>}
   */
  map(name, items, options = {}) {
    let list;
    try {
      if (items === null || typeof items !== 'object' || typeof (/** @type {any} */ (items))[Symbol.iterator] !== 'function') {
        throw namedError('InvalidArguments', `items ${describe(items)} is not an array or iterable`);
      }
      list = takeAtMost(/** @type {Iterable<I>} */ (items), this.pool.constructor.maxJobs());
    } catch (error) {
      const batch = new JobBatch(1);
      batch.fail(/** @type {Error} */ (error));
      return batch;
    }
    const batch = /** @type {JobBatch<T>} */ (new JobBatch(list.length));
    try {
      const { label } = checkOptions(options, true);
      if (label !== undefined && typeof label !== 'function') throw namedError('InvalidOption', `label ${describe(label)} is not a function (item, index) => string`);
      const itemMs = this.itemMs.get(functionKey(moduleUrl(options.module ?? this.module), String(name)));
      const size = chunkSize(list.length, options, { workers: this.size(), itemMs }, label !== undefined);
      if (list.length === 0) batch.end();
      else this.queue(batch, String(name), cut(list, size), options, label ?? null, undefined);
    } catch (error) {
      batch.fail(/** @type {Error} */ (error));
    }
    return batch;
  }

  /**
   * Checks the module (once per page), then queues the calls.
   * @param {JobBatch<any>} batch
   * @param {string} name
   * @param {Call[]} calls
   * @param {CallOptions & { partition?: boolean }} options
   * @param {((item: any, index: number) => string) | null} label
   * @param {Transferable[] | undefined} transfer
   */
  queue(batch, name, calls, options, label, transfer) {
    if (this.freed) throw namedError('PoolStopped', 'the pool was freed: it takes no more jobs');
    const module = moduleUrl(options.module ?? this.module);
    if (name === '') throw namedError('MissingExport', 'no function name given: run(name, args)');
    const signal = options.signal;
    if (signal?.aborted) throw namedError('AbortError', 'the signal was aborted before the jobs were queued: nothing was queued');
    const labels = label ? calls.map(({ args, first }) => {
      const text = label(args[0], first);
      if (typeof text !== 'string') throw namedError('InvalidOption', `label(item ${first}) gave ${describe(text)}, not a string`);
      return text;
    }) : calls[0].chunk ? calls.map(({ first, count }) => `items ${first}-${first + count - 1}`) : [];
    const queueNow = (/** @type {Set<string>} */ functions) => {
      if (!functions.has(name)) {
        throw namedError('MissingExport', `the module ${module} has no function export "${name}" (it has: ${[...functions].join(', ') || 'none'})`);
      }
      this.queueChecked(batch, module, name, calls, labels, options, transfer);
    };
    const known = probed.get(module);
    if (known instanceof Set) return queueNow(known);
    if (known instanceof Error) throw known;
    probe(module).then(queueNow).catch((error) => batch.fail(error));
  }

  /**
   * @param {JobBatch<any>} batch
   * @param {string} module
   * @param {string} name
   * @param {Call[]} calls
   * @param {string[]} labels
   * @param {CallOptions & { partition?: boolean }} options
   * @param {Transferable[] | undefined} transfer
   */
  queueChecked(batch, module, name, calls, labels, options, transfer) {
    if (this.freed) throw namedError('PoolStopped', 'the pool was freed: it takes no more jobs');
    if (options.signal?.aborted) throw namedError('AbortError', 'the signal was aborted before the jobs were queued: nothing was queued');
    const count = calls.length;
    const ends = new Uint32Array(count);
    /** @type {(object | undefined)[]} what goes by message: the call, for jobs whose arguments do */
    const byMessage = new Array(count);
    /** @type {(number | undefined)[]} tickets at the args broker (shared memory: arguments the queue does not carry) */
    const tickets = new Array(count);
    const parts = { bytes: new Uint8Array(this.shared ? Math.min(count * 64, 1 << 24) : 0), length: 0 };
    const prefix = `[${JSON.stringify(module)},${JSON.stringify(name)},`;
    let first;
    try {
      for (let i = 0; i < count; i++) {
        const { args, first, chunk } = calls[i];
        let json;
        if (!transfer) {
          const items = chunk ? plainJsonList(/** @type {unknown[]} */ (args[0])) : undefined;
          json = chunk ? items && `[${items}]` : plainJson(args);
        }
        const which = chunk ? `items ${first} to ${first + calls[i].count - 1}` : `call ${first}`;
        const label = labels[i] ?? '';
        if (!this.shared) {
          if (json === undefined) checkCloneable(args, which, transfer);
          byMessage[i] = chunk ? { module, name, args, label, first } : { module, name, args, label };
          continue;
        }
        if (json === undefined) json = String(tickets[i] = this.toBroker(args, transfer, which));
        appendText(parts, ends, i, `${prefix}${json},${JSON.stringify(label)}${chunk ? `,${first}` : ''}]`);
      }
      const items = Uint32Array.from(calls, (call) => call.count);
      first = this.pool.__queueCalls(parts.bytes.subarray(0, parts.length), ends, items, labels, options.partition === true, options.timeoutMs);
    } catch (error) {
      for (const ticket of tickets) if (ticket !== undefined) this.dropArgs(ticket); // nothing was queued
      throw error;
    }
    batch.firstJob = first;
    const fn = functionKey(module, name); // what its chunks' measured cost is kept under
    for (let i = 0; i < count; i++) {
      const call = calls[i];
      this.pending.set(first + i, { batch, index: call.first, count: call.count, chunk: call.chunk, fn, call: byMessage[i], transfer, ticket: tickets[i], onProgress: options.onProgress });
    }
    if (options.signal) this.watchSignal(options.signal, batch, first, count);
    batch.cancel = () => {
      for (const job of this.withdrawJobs(batch, first, count, namedError('Cancelled', 'the batch was cancelled: this job never ran'))) this.pool.__abortCall(job);
    };
    this.drain();
  }

  /**
   * @param {AbortSignal} signal
   * @param {JobBatch<any>} batch
   * @param {number} first
   * @param {number} count
   */
  watchSignal(signal, batch, first, count) {
    let watched = this.signals.get(signal);
    if (!watched) {
      // One listener per signal for all its batches: every waiting job is
      // withdrawn before any running one hears of the abort, or a worker
      // freed by an aborted job could take a job about to be withdrawn.
      const batches = new Set();
      const onAbort = () => {
        this.signals.delete(signal);
        const running = [...batches].flatMap(({ batch, first, count }) => this.withdrawJobs(batch, first, count, null));
        for (const job of running) this.pool.__abortCall(job);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      watched = { batches, onAbort };
      this.signals.set(signal, watched);
    }
    const entry = { batch, first, count };
    watched.batches.add(entry);
    const { batches, onAbort } = watched;
    batch.all.finally(() => {
      batches.delete(entry);
      if (batches.size === 0 && this.signals.get(signal)?.batches === batches) {
        this.signals.delete(signal);
        signal.removeEventListener('abort', onAbort);
      }
    }).catch(() => {});
  }

  /**
   * Withdraws a batch's waiting jobs (each rejects now); returns the jobs
   * of the batch that were running.
   * @param {JobBatch<any>} batch
   * @param {number} first
   * @param {number} count
   * @param {Error | null} error the waiting jobs' error (null: an AbortError each)
   * @returns {number[]}
   */
  withdrawJobs(batch, first, count, error) {
    const running = [];
    for (let job = first; job < first + count; job++) {
      const entry = this.pending.get(job);
      if (!entry || entry.batch !== batch || entry.aborted) continue;
      if (this.pool.__withdrawCall(job)) {
        entry.aborted = true; // its report (cancelled) comes later and changes nothing
        this.failEntry(entry, job, 0, (index) => error ?? namedError('AbortError', `job ${job}${entry.chunk ? ` (item ${index})` : ''} was aborted while it waited: it never ran`, { job, index }));
      } else {
        running.push(job);
      }
    }
    return running;
  }

  /** Settles the jobs whose reports are filed, now. */
  settleNow() {
    if (this.freed || this.pending.size === 0) return;
    const flat = this.pool.__takeCallReports();
    for (let i = 0; i < flat.length; i += 5) this.settleReport(flat[i], flat[i + 1], flat[i + 2], flat[i + 3], flat[i + 4]);
  }

  /** Takes the core's reports while jobs are pending, without blocking. */
  async drain() {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.size > 0 && !this.freed) {
        await this.pool.__whenCallReports();
        // Many jobs out: let their reports gather a moment and take them in
        // one go; a wait on the core's word per report or two cost the page
        // more than the jobs themselves (bench/js-jobs.mjs).
        if (this.pending.size >= GATHER_FROM) await new Promise((resolve) => setTimeout(resolve, 1));
        this.settleNow();
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * @param {number} job
   * @param {number} worker
   * @param {number} outcome
   * @param {Uint8Array} output
   * @param {number} ranMs how long it ran (0 if it never did)
   */
  settleReport(job, worker, outcome, output, ranMs) {
    const entry = this.pending.get(job);
    if (!entry) return;
    const text = output.length > 0 ? decodeText(output) : '';
    const byMessage = text === '{"m":1}' || (!this.shared && outcome === this.outcomes.completed);
    if (byMessage && !this.values.has(job)) {
      this.parked.set(job, [worker, outcome, output, ranMs]); // its value is on its way by message
      return;
    }
    this.pending.delete(job);
    this.progress.delete(job);
    if (entry.ticket !== undefined && outcome !== this.outcomes.completed) this.dropArgs(entry.ticket); // it may never have asked
    if (entry.aborted) return;
    if (entry.chunk) {
      if (outcome === this.outcomes.completed && ranMs > 0) this.itemMs.set(entry.fn, ranMs / entry.count);
      return this.settleChunk(entry, job, worker, outcome, text);
    }
    const { batch, index } = entry;
    /** @param {Error} error */
    const failed = (error) => batch.settle(index, { index, job, worker, ok: false, error });
    if (outcome === this.outcomes.completed) {
      let value;
      if (byMessage) {
        value = this.values.get(job);
        this.values.delete(job);
      } else if (text !== '{}') {
        value = JSON.parse(text).v;
      }
      this.keepShown(job, value);
      batch.settle(index, { index, job, worker, ok: true, value });
    } else if (outcome === this.outcomes.failed) {
      const fields = text.startsWith('{"e":') ? JSON.parse(text).e : this.errors.get(job);
      this.errors.delete(job);
      failed(fields ? errorFrom(fields, { job, worker }) : this.endError(outcome, job, worker));
    } else {
      failed(this.endError(outcome, job, worker));
    }
  }

  /**
   * Settles each item of a chunk job from its report: its value, the
   * error it threw, or the job's end (lost, timed out, cancelled).
   * @param {Entry} entry
   * @param {number} job
   * @param {number} worker
   * @param {number} outcome
   * @param {string} text the report's output
   */
  settleChunk(entry, job, worker, outcome, text) {
    /** @type {{ v: unknown[], f?: [number, ErrorFields][] } | undefined} */
    let result;
    /** @type {ErrorFields | undefined} what failed the whole chunk */
    let whole;
    if (this.values.has(job)) result = /** @type {any} */ (this.values.get(job));
    else if (text.startsWith('{"v":')) result = JSON.parse(text);
    else if (text.startsWith('{"e":')) whole = JSON.parse(text).e;
    else whole = this.errors.get(job);
    this.values.delete(job);
    this.errors.delete(job);
    if (!result) {
      this.failEntry(entry, job, worker, (index) => (whole ? errorFrom(whole, { job, worker, index }) : this.endError(outcome, job, worker)));
      return;
    }
    const failures = new Map(result.f ?? []);
    for (let i = 0; i < entry.count; i++) {
      const index = entry.index + i;
      const fields = failures.get(i);
      if (fields) entry.batch.settle(index, { index, job, worker, ok: false, error: errorFrom(fields, { job, worker, index }) });
      else entry.batch.settle(index, { index, job, worker, ok: true, value: result.v[i] });
    }
    this.keepShown(job, result.v);
  }

  /**
   * Rejects each item of a job's entry.
   * @param {Entry} entry
   * @param {number} job
   * @param {number} worker
   * @param {(index: number) => Error} errorOf
   */
  failEntry(entry, job, worker, errorOf) {
    for (let index = entry.index; index < entry.index + entry.count; index++) {
      entry.batch.settle(index, { index, job, worker, ok: false, error: errorOf(index) });
    }
  }

  /**
   * The error of a job that ended without a value or error of its own.
   * @param {number} outcome
   * @param {number} job
   * @param {number} worker
   */
  endError(outcome, job, worker) {
    if (outcome === this.outcomes.failed) return namedError('WorkerLost', `job ${job}'s worker ${worker} died while it ran`, { job, worker });
    if (outcome === this.outcomes['timed out']) return namedError('TimedOut', `job ${job} ran past its timeout on worker ${worker}, which was ended and replaced`, { job, worker });
    return namedError('Cancelled', `job ${job} was cancelled (cancel() or stop()) before it ran`, { job });
  }

  /**
   * Keeps a short text of job `job`'s value for the views (`takeJobValues`).
   * @param {number} job
   * @param {unknown} value
   */
  keepShown(job, value) {
    this.shown.set(job, shortText(value));
    if (this.shown.size > MOST_SHOWN) this.shown.delete(this.shown.keys().next().value ?? 0); // nobody reads them: keep the latest
  }

  /**
   * What a worker sent about a call (through the pool's host).
   * @param {any} data
   * @param {(message: any, transfer?: Transferable[]) => void} [reply]
   */
  fromWorker(data, reply) {
    const entry = this.pending.get(data?.job);
    switch (data?.type) {
      case 'call-broker': // shared memory: a worker's first job whose arguments the queue did not carry
        if (reply && this.brokerLine) {
          const line = new MessageChannel();
          this.brokerLine.postMessage({ port: line.port1 }, [line.port1]);
          reply({ type: 'call-broker', port: line.port2 }, [line.port2]);
        }
        break;
      case 'call-value':
        this.values.set(data.job, data.value);
        this.settleParked(data.job);
        break;
      case 'call-error':
        this.errors.set(data.job, data.error);
        break;
      case 'call-progress':
        if (!entry) break;
        this.progress.set(data.job, data.value);
        entry.onProgress?.(data.value, data.job);
        break;
    }
  }

  /** @param {number} job */
  settleParked(job) {
    const parked = this.parked.get(job);
    if (!parked) return;
    this.parked.delete(job);
    this.settleReport(job, ...parked);
  }

  /**
   * Hands a job's arguments to the args broker (made on first use) and
   * returns their ticket; throws a named error, sending nothing, if they
   * cannot be cloned.
   * @param {unknown[]} args
   * @param {Transferable[] | undefined} transfer
   * @param {string} which `call 3`, `items 0 to 99`
   */
  toBroker(args, transfer, which) {
    if (!this.brokerLine) {
      // The page's line to the broker: what is posted on it waits in the
      // port until the broker reads it (see args-broker.js).
      const line = new MessageChannel();
      const broker = new Worker(BROKER_URL, { type: 'module', name: BROKER_NAME });
      broker.onmessage = ({ data }) => {
        if (data?.type === 'broker-ready') broker.postMessage({ page: line.port2 }, [line.port2]);
      };
      this.broker = broker;
      this.brokerLine = line.port1;
    }
    const ticket = ++this.tickets;
    try {
      this.brokerLine.postMessage({ ticket, args, transfer }, transfer ?? []);
    } catch (error) {
      throw namedError('DataCloneError', `the arguments of ${which} cannot be sent to a worker: ${/** @type {Error} */ (error).message}`);
    }
    return ticket;
  }

  /** @param {number} ticket the arguments of a job that will not run */
  dropArgs(ticket) {
    this.brokerLine?.postMessage({ drop: ticket });
  }

  /**
   * The message-passing host's message for job `job`.
   * @param {number} job
   */
  callMessage(job) {
    const entry = this.pending.get(job);
    return { call: entry?.call, runnerUrl: RUNNER_URL, transfer: entry?.transfer ?? [] };
  }

  /** The pool is freed: every pending job's promise rejects. */
  dispose() {
    this.freed = true;
    this.broker?.terminate();
    this.brokerLine?.close();
    for (const [job, entry] of this.pending) {
      if (!entry.aborted) this.failEntry(entry, job, 0, () => namedError('PoolStopped', `the pool was freed before job ${job} finished`, { job }));
    }
    this.pending.clear();
    this.parked.clear();
    this.values.clear();
  }
}

/**
 * @param {any} options
 * @param {boolean} [forMap]
 */
function checkOptions(options, forMap = false) {
  if (options === null || typeof options !== 'object') throw namedError('InvalidOption', `options ${describe(options)} is not an object`);
  const { signal, timeoutMs, onProgress, transfer, label, partition } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw namedError('InvalidOption', `signal ${describe(signal)} is not an AbortSignal`);
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs > 0 && timeoutMs <= 3_600_000))) {
    throw namedError('InvalidTimeout', `timeoutMs ${describe(timeoutMs)} is not a number of ms from 1 to 3,600,000`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') throw namedError('InvalidOption', `onProgress ${describe(onProgress)} is not a function`);
  if (forMap && partition !== undefined && typeof partition !== 'boolean') throw namedError('InvalidOption', `partition ${describe(partition)} is not true or false`);
  if (!forMap && transfer !== undefined && !Array.isArray(transfer)) throw namedError('InvalidOption', `transfer ${describe(transfer)} is not an array of buffers`);
  return { label, transfer: forMap ? undefined : transfer };
}

/**
 * The items of `items`, refused (`QueueFull`) past `most`: an endless
 * iterable, or 10^9 items, must not freeze the page.
 * @template I
 * @param {Iterable<I>} items
 * @param {number} most
 * @returns {I[]}
 */
function takeAtMost(items, most) {
  const tooMany = () => namedError('QueueFull', `map was given more than ${most.toLocaleString('en-US')} items, the most one pool holds waiting: give it fewer at a time`);
  if (Array.isArray(items)) {
    if (items.length > most) throw tooMany();
    return items.slice();
  }
  const list = [];
  for (const item of items) {
    if (list.length === most) throw tooMany();
    list.push(item);
  }
  return list;
}

/**
 * Refuses arguments that cannot reach a worker, before anything is queued.
 * @param {unknown[]} args
 * @param {string} which `call 3`, `items 0 to 99`
 * @param {Transferable[] | undefined} transfer
 */
function checkCloneable(args, which, transfer) {
  if (transfer) return; // cloned as they are moved, when the host sends the call
  try {
    structuredClone(args);
  } catch (error) {
    throw namedError('DataCloneError', `the arguments of ${which} cannot be sent to a worker: ${/** @type {Error} */ (error).message}`);
  }
}

/**
 * Items per job for `map`: 0 for a job per item.
 * @param {number} length the batch's items
 * @param {MapOptions<any>} options
 * @param {{ workers: number, itemMs: number | undefined }} pool its size, and the function's measured ms per item
 * @param {boolean} labelled
 */
function chunkSize(length, options, { workers, itemMs }, labelled) {
  const { chunk = 'auto' } = options;
  if (chunk === 'auto') {
    // A label or a timeout is about one item's job; otherwise about 16
    // chunks per worker: few enough jobs that a cheap function is not
    // all dispatch, enough that a resize or a slow chunk leaves work to
    // share; and once the function's cost is measured, about 2 ms a chunk
    // (a function that costs that much an item runs a job per item).
    if (labelled || options.timeoutMs !== undefined) return 0;
    const byCost = itemMs === undefined ? MOST_AUTO_CHUNK : Math.min(MOST_MEASURED_CHUNK, Math.floor(TARGET_CHUNK_MS / itemMs));
    const size = Math.min(byCost, Math.floor(length / (CHUNKS_PER_WORKER * Math.max(1, workers))));
    return size >= 2 ? size : 0;
  }
  if (typeof chunk !== 'number' || !Number.isInteger(chunk) || chunk < 1 || chunk > MOST_CHUNK) {
    throw namedError('InvalidOption', `chunk ${describe(chunk)} is not 'auto' or a whole number of items per job from 1 to 1,000,000`);
  }
  if (chunk > 1 && labelled) throw namedError('InvalidOption', `chunk ${chunk} puts several items in a job, and a label names one item's job: give chunk: 1 with label`);
  return chunk === 1 ? 0 : chunk;
}

/**
 * What the pool measures a function's cost under: its module and name.
 * @param {string} module
 * @param {string} name
 */
function functionKey(module, name) {
  return `${module}#${name}`;
}

/**
 * A batch's items as calls: one per item (`size` 0), or chunks of `size`.
 * @param {unknown[]} items
 * @param {number} size
 * @returns {Call[]}
 */
function cut(items, size) {
  if (size === 0) return items.map((item, i) => ({ args: [item], first: i, count: 1, chunk: false }));
  const calls = [];
  for (let first = 0; first < items.length; first += size) {
    const slice = items.slice(first, first + size);
    calls.push({ args: [slice], first, count: slice.length, chunk: true });
  }
  return calls;
}

/**
 * An error that crossed as fields, with its own name and stack.
 * @param {ErrorFields} fields
 * @param {Record<string, unknown>} extra
 */
function errorFrom(fields, extra) {
  const error = namedError(fields.name, fields.message, extra);
  error.stack = fields.stack;
  return error;
}

/**
 * The pool class of a loaded build with JS jobs: `run` and `map`.
 * @param {any} PoolscopePool the build's wasm class
 * @param {'shared' | 'fallback'} mode
 * @returns {any} the class (typed as `PoolscopeApi['Pool']` in api.js)
 */
export function withJsJobs(PoolscopePool, mode) {
  return class Pool extends PoolscopePool {
    /** @type {CallTable | undefined} */
    #calls;

    /**
     * @param {number} size
     * @param {{ module?: string | URL } & Record<string, unknown>} [options]
     */
    constructor(size, options) {
      super(size, options);
      this.#moduleOption = options?.module;
      this.#size = size;
    }

    /** @type {number} */
    #size;

    /** @param {number} size */
    resize(size) {
      const resized = super.resize(size);
      this.#size = size;
      return resized;
    }

    /** @type {unknown} */
    #moduleOption;

    /** The page's half of this pool's JS jobs, made by the first call. */
    get #table() {
      this.#calls ??= new CallTable(this, mode, this.#moduleOption, () => this.#size);
      return this.#calls;
    }

    /**
     * Runs `name(...args, context)` of the module in a worker; resolves
     * with its value.
     * @template T
     * @param {string} name
     * @param {unknown[]} [args]
     * @param {RunOptions} [options]
     * @returns {Promise<T>}
     */
    run(name, args, options) {
      return this.#table.run(name, args, options);
    }

    /**
     * Runs `name(item, context)` for each item, a job each or a chunk of
     * them per job (`chunk`).
     * @template I, T
     * @param {string} name
     * @param {Iterable<I>} items
     * @param {MapOptions<I>} [options]
     * @returns {JobBatch<T>}
     */
    map(name, items, options) {
      return this.#table.map(name, items, options);
    }

    /** Each running JS job's last `progress` value, by job number. */
    jobProgress() {
      return new Map(this.#calls?.progress ?? []);
    }

    /**
     * The JS jobs finished since the last call, each with its value in a
     * few words (`[job, text]`), for the views' log; the latest 10,000.
     * @returns {[number, string][]}
     */
    takeJobValues() {
      this.#calls?.settleNow();
      const taken = [...(this.#calls?.shown ?? [])];
      this.#calls?.shown.clear();
      return taken;
    }

    free() {
      this.#calls?.dispose();
      super.free();
    }
  };
}
