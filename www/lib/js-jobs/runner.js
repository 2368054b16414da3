// @ts-check
// Runs JS jobs inside a pool's Web Workers, in both modes: each worker
// imports this module (its URL comes from the pool) the first time it
// takes a call job. A job is a call of a named export of the user's
// module; the module is imported once per worker, so its module-level
// state is per worker. The function gets its arguments and then its
// context: `{ job, worker, label, signal, progress(value), transfer(value, list) }`.
//
// It is also the script of the worker that checks a module before any of
// its jobs is queued (`exportsOf`, worker name 'poolscope-probe').
//
// It imports nothing: a bundler copies it as a file of its own (Vite, for
// `new URL('./runner.js', import.meta.url)`), so what the page shares with
// it (the codec below) lives here and the page imports it from here.

// How a JS job's call and result cross between the page and a worker in
// shared-memory mode without a message: as bytes in the pool's queue.
// Structured clone has no synchronous byte encoder in browsers, so the
// bytes are JSON, and only for values JSON carries exactly and cheaply:
// `plainJson` refuses anything else (a typed array, a Map, undefined
// inside an array, NaN, a cycle, a large value), which then goes by
// `postMessage` instead (README, "JS jobs": where the crossover is).

/** Values with more parts than this go by message: structured clone copies them faster than JSON. */
export const MOST_PARTS = 256;
/** Strings longer than this in all go by message, likewise. */
export const MOST_CHARS = 16_384;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * `value` as JSON if JSON gives it back exactly (null, booleans, finite
 * numbers, strings, arrays and plain objects of them) and it is small;
 * otherwise undefined.
 * @param {unknown} value
 * @returns {string | undefined}
 */
export function plainJson(value) {
  const budget = { parts: MOST_PARTS, chars: MOST_CHARS };
  return isPlain(value, budget, 0) ? JSON.stringify(value) : undefined;
}

/** A chunk's items or values in all, as JSON, at most (see `plainJsonList`). */
export const MOST_CHUNK_CHARS = 1 << 20;

/**
 * `list` (a chunk's items, or its values) as a JSON array if each element
 * is plain as `plainJson` wants it and the whole is at most
 * `MOST_CHUNK_CHARS`; otherwise undefined.
 * @param {unknown[]} list
 * @returns {string | undefined}
 */
export function plainJsonList(list) {
  let chars = MOST_CHUNK_CHARS;
  for (let i = 0; i < list.length; i++) {
    const value = list[i];
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || Object.is(value, -0)) return undefined;
      chars -= 12;
    } else {
      const budget = { parts: MOST_PARTS, chars: MOST_CHARS };
      if (value === undefined || !isPlain(value, budget, 0)) return undefined;
      chars -= MOST_CHARS - budget.chars + 2 * (MOST_PARTS - budget.parts);
    }
    if (chars < 0) return undefined;
  }
  return JSON.stringify(list);
}

/**
 * @param {unknown} value
 * @param {{ parts: number, chars: number }} budget
 * @param {number} depth
 * @returns {boolean}
 */
function isPlain(value, budget, depth) {
  if (--budget.parts < 0 || depth > 32) return false;
  switch (typeof value) {
    case 'boolean': return true;
    case 'number': return Number.isFinite(value) && !Object.is(value, -0);
    case 'string': return (budget.chars -= value.length) >= 0;
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        // A hole or `undefined` would come back as null.
        for (let i = 0; i < value.length; i++) if (!(i in value) || value[i] === undefined || !isPlain(value[i], budget, depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key of Object.keys(value)) {
        const part = /** @type {Record<string, unknown>} */ (value)[key];
        if (part === undefined || (budget.chars -= key.length) < 0 || !isPlain(part, budget, depth + 1)) return false;
      }
      return true;
    }
    default: return false; // undefined (inside a value), functions, symbols, bigints
  }
}

/**
 * Appends `text` to `parts` as UTF-8 and records where it ends in `ends`.
 * @param {{ bytes: Uint8Array, length: number }} parts
 * @param {number[] | Uint32Array} ends
 * @param {number} index
 * @param {string} text
 */
export function appendText(parts, ends, index, text) {
  const most = parts.length + text.length * 3;
  if (most > parts.bytes.length) {
    const grown = new Uint8Array(Math.max(most, parts.bytes.length * 2));
    grown.set(parts.bytes.subarray(0, parts.length));
    parts.bytes = grown;
  }
  parts.length += encoder.encodeInto(text, parts.bytes.subarray(parts.length)).written;
  ends[index] = parts.length;
}

/** @param {string} text */
export function encodeText(text) {
  return encoder.encode(text);
}

/** @param {Uint8Array} bytes */
export function decodeText(bytes) {
  return decoder.decode(bytes);
}

/** What an error is made of when it crosses between page and worker. @typedef {{ name: string, message: string, stack: string }} ErrorFields */

/**
 * What a job threw, as plain fields that cross any way (an `Error`
 * loses its class through structured clone in some browsers, and its
 * `stack` in others).
 * @param {unknown} thrown
 * @returns {ErrorFields}
 */
export function errorFields(thrown) {
  if (thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'message' in thrown)) {
    const error = /** @type {Error} */ (thrown);
    return { name: String(error.name ?? 'Error'), message: String(error.message), stack: String(error.stack ?? '') };
  }
  return { name: 'Error', message: String(thrown), stack: '' };
}



const TRANSFER = Symbol('poolscope transfer');

/** @type {Map<string, Promise<Record<string, unknown>>>} */
const modules = new Map();
/**
 * The job running in this worker now (a worker runs one at a time), with
 * its AbortController once its `signal` was asked for.
 * @type {{ job: number, controller: AbortController | null, aborted: boolean } | null}
 */
let current = null;
/** Tickets of arguments asked for from the args broker (args-broker.js), by the job waiting for them. */
/** @type {Map<number, (args: unknown[]) => void>} */
const argsAsked = new Map();
/** This worker's line to the args broker, once the page gave it (its first job that needed one). */
/** @type {MessagePort | null} */
let broker = null;
let brokerAsked = false;
/** Jobs aborted before they began here (the message can come first); the latest few. */
/** @type {Set<number>} */
const abortedEarly = new Set();

/** Modules imported, by URL, once they have loaded: no await for them. */
/** @type {Map<string, Record<string, unknown>>} */
const loaded = new Map();

/** @param {string} url */
function load(url) {
  let loading = modules.get(url);
  if (!loading) {
    loading = import(url);
    modules.set(url, loading);
    loading.then((module) => loaded.set(url, module), () => modules.delete(url)); // a failed one is tried again by a later job
  }
  return loading;
}

/**
 * @typedef {object} CallOf
 * @property {number} job
 * @property {number} worker
 * @property {string} module
 * @property {string} name
 * @property {unknown[]} args
 * @property {string} label
 * @property {number} [first] a chunk (several items in one job): its first item's index in the batch; `args` is `[items]`
 */
/**
 * A call's end. A chunk's `value` is `{ v: values, f?: [[i, error], ...] }`
 * (`v[i]` for its item i, unless `f` has i), and `failure` sums up its
 * items that threw, if any.
 * @typedef {{ ok: true, value: unknown, transfer: Transferable[], failure?: ErrorFields } | { ok: false, error: ErrorFields }} Ran
 */

/**
 * A job's context. Its AbortController is made only if the job asks for
 * its `signal`: most jobs never do, and making one per job cost more than
 * a small job itself.
 * @param {number} job
 * @param {number} worker
 * @param {string} label
 * @param {(message: any, transfer?: Transferable[]) => void} post
 */
function contextOf(job, worker, label, post) {
  const state = { job, controller: /** @type {AbortController | null} */ (null), aborted: abortedEarly.delete(job) };
  current = state;
  return {
    job, worker, label,
    get signal() {
      if (!state.controller) {
        state.controller = new AbortController();
        if (state.aborted) state.controller.abort(abortReason(job));
      }
      return state.controller.signal;
    },
    /** @param {unknown} value */
    progress: (value) => post({ type: 'call-progress', job, value }),
    /** @param {unknown} value @param {Transferable[]} list */
    transfer: (value, list) => ({ [TRANSFER]: true, value, list }),
  };
}

/**
 * Runs one call to its end: at once for a function that returns a value,
 * as a promise for one that returns a promise (awaited here) or whose
 * module has yet to load. No await in the common case: each is a turn of
 * the worker's event loop per job.
 * @param {CallOf} call
 * @param {(message: any, transfer?: Transferable[]) => void} post sends to the page
 * @returns {Ran | Promise<Ran>}
 */
export function runCall(call, post) {
  const { job, worker, module, name, args, label, first } = call;
  const exports = loaded.get(module);
  if (!exports) return load(module).then(() => runCall(call, post), (thrown) => ({ ok: false, error: errorFields(thrown) }));
  const context = contextOf(job, worker, label, post);
  try {
    const fn = exports[name];
    if (typeof fn !== 'function') throw Object.assign(new Error(`the module ${module} has no function export "${name}"`), { name: 'MissingExport' });
    if (first !== undefined) return runChunk(/** @type {Function} */ (fn), /** @type {unknown[]} */ (args[0]), first, context);
    const result = fn(...args, context);
    if (typeof result?.then === 'function') return Promise.resolve(result).then(ranValue, ranError);
    return ranValue(result);
  } catch (thrown) {
    return ranError(thrown);
  }
}

/**
 * A chunk: `fn(item, context)` for each of its items in turn (an async
 * one awaited before the next, as a job's), in one job: a cheap function
 * costs the pool one job per chunk rather than per item. An item that
 * throws fails alone; the items after an abort do not run.
 * @param {Function} fn
 * @param {unknown[]} items
 * @param {number} first the first item's index in its batch
 * @param {ReturnType<typeof contextOf>} context
 * @returns {Ran | Promise<Ran>}
 */
function runChunk(fn, items, first, context) {
  const state = current;
  const values = new Array(items.length);
  /** @type {[number, ErrorFields][]} */
  const failed = [];
  /** @type {Transferable[]} */
  const transfer = [];
  /** @param {number} at @param {unknown} result */
  const keep = (at, result) => {
    if (typeof result === 'object' && result !== null && TRANSFER in result) {
      const moved = /** @type {{ value: unknown, list: Transferable[] }} */ (/** @type {unknown} */ (result));
      values[at] = moved.value;
      transfer.push(...moved.list);
    } else {
      values[at] = result;
    }
  };
  let i = 0;
  /** @returns {Ran | Promise<Ran>} */
  const step = () => {
    for (; i < items.length; i++) {
      if (state?.aborted) {
        failed.push([i, { name: 'AbortError', message: `item ${first + i} (in job ${context.job}) was aborted by its caller before it ran`, stack: '' }]);
        continue;
      }
      let result;
      try {
        result = fn(items[i], context);
      } catch (thrown) {
        failed.push([i, errorFields(thrown)]);
        continue;
      }
      if (typeof result?.then === 'function') {
        const at = i++;
        return Promise.resolve(result).then((value) => keep(at, value), (thrown) => { failed.push([at, errorFields(thrown)]); }).then(step);
      }
      keep(i, result);
    }
    if (failed.length === 0) return { ok: true, value: { v: values }, transfer };
    const [at, error] = failed[0];
    const failure = { name: error.name, message: `${failed.length} of ${items.length} items failed; item ${first + at}: ${error.name}: ${error.message}`, stack: '' };
    return { ok: true, value: { v: values, f: failed }, transfer, failure };
  };
  return step();
}

/** @param {unknown} result @returns {Ran} */
function ranValue(result) {
  if (typeof result === 'object' && result !== null && TRANSFER in result) {
    const moved = /** @type {{ value: unknown, list: Transferable[] }} */ (/** @type {unknown} */ (result));
    return { ok: true, value: moved.value, transfer: moved.list };
  }
  return { ok: true, value: result, transfer: [] };
}

/** @param {unknown} thrown @returns {Ran} */
function ranError(thrown) {
  return { ok: false, error: errorFields(thrown) };
}

/** @typedef {{ ok: boolean, output: Uint8Array, message: string }} Report */

/**
 * Shared-memory mode: runs the call whose input came through the pool's
 * queue (`[module, name, args or ticket, label, first?]` as JSON; a
 * ticket's args come from the args broker; `first` for a chunk) and returns what to report, at
 * once where it can (see `runCall`): `output` for the queue (`{"v": value}`,
 * `{}` for undefined, `{"m":1}` when the value went by message,
 * `{"e": error}`; a chunk's `{"v": values, "f": failures}`), and the
 * error's text for the trace.
 * @param {number} job
 * @param {number} worker
 * @param {Uint8Array} input
 * @param {(message: any, transfer?: Transferable[]) => void} post
 * @returns {Report | Promise<Report>}
 */
export function runEncoded(job, worker, input, post) {
  const [module, name, plainArgs, label, first] = JSON.parse(decodeText(input));
  const chunk = first !== undefined;
  if (typeof plainArgs === 'number') { // a ticket: the arguments wait at the args broker
    return new Promise((resolve) => {
      argsAsked.set(plainArgs, resolve);
      if (broker) broker.postMessage(plainArgs);
      else if (!brokerAsked) {
        brokerAsked = true;
        post({ type: 'call-broker' });
      }
    }).then((args) => runCall({ job, worker, module, name, args: /** @type {unknown[]} */ (args), label, first }, post))
      .then((ran) => reportOf(job, ran, post, chunk));
  }
  const ran = runCall({ job, worker, module, name, args: plainArgs, label, first }, post);
  return ran instanceof Promise ? ran.then((done) => reportOf(job, done, post, chunk)) : reportOf(job, ran, post, chunk);
}

/**
 * @param {number} job
 * @param {Ran} ran
 * @param {(message: any, transfer?: Transferable[]) => void} post
 * @returns {Report}
 */
function reportOf(job, ran, post, chunk = false) {
  current = null;
  if (ran.ok === false) {
    const { error } = ran;
    return { ok: false, output: encodeText(JSON.stringify({ e: error })), message: `${error.name}: ${error.message}` };
  }
  // A chunk's items that threw make it a failed job in the views; its
  // output still carries every item's value or error.
  const ok = ran.failure === undefined;
  const message = ran.failure ? `${ran.failure.name}: ${ran.failure.message}` : '';
  if (ran.value === undefined) return { ok, output: encodeText('{}'), message };
  let json;
  if (ran.transfer.length === 0) {
    if (!chunk) json = plainJson(ran.value);
    else {
      const { v, f } = /** @type {{ v: unknown[], f?: unknown[] }} */ (ran.value);
      const values = plainJsonList(v);
      if (values !== undefined) json = f ? `{"v":${values},"f":${JSON.stringify(f)}}` : `{"v":${values}}`;
    }
  }
  if (json !== undefined) return { ok, output: encodeText(chunk ? json : `{"v":${json}}`), message };
  try {
    post({ type: 'call-value', job, value: ran.value }, ran.transfer); // before the report: see js-jobs/pool.js
  } catch (thrown) { // a value structured clone cannot carry (a function, say)
    const error = { name: 'DataCloneError', message: `job ${job}'s value cannot be sent to the page: ${errorFields(thrown).message}`, stack: '' };
    return { ok: false, output: encodeText(JSON.stringify({ e: error })), message: `${error.name}: ${error.message}` };
  }
  return { ok, output: encodeText('{"m":1}'), message };
}

/**
 * What the page sends a worker about calls: its line to the args broker
 * (asked for by `runEncoded`), or that a caller aborted its job.
 * @param {any} data
 * @returns {boolean} whether it was such a message
 */
export function onPageMessage(data) {
  if (data?.type === 'call-broker') {
    broker = /** @type {MessagePort} */ (data.port);
    broker.onmessage = ({ data: { ticket, args } }) => {
      argsAsked.get(ticket)?.(args);
      argsAsked.delete(ticket);
    };
    for (const ticket of argsAsked.keys()) broker.postMessage(ticket);
    return true;
  }
  if (data?.type === 'call-abort') {
    const running = current;
    if (running && running.job === data.job) {
      running.aborted = true;
      running.controller?.abort(abortReason(data.job)); // else its signal is made aborted when asked for
    } else {
      abortedEarly.add(data.job);
      if (abortedEarly.size > 1000) abortedEarly.delete(abortedEarly.values().next().value ?? 0);
    }
    return true;
  }
  return false;
}

/** @param {number} job */
function abortReason(job) {
  return new DOMException(`job ${job} was aborted by its caller`, 'AbortError');
}

/**
 * The names of `url`'s function exports, or why it cannot be imported.
 * @param {string} url
 * @returns {Promise<{ ok: true, functions: string[] } | { ok: false, error: ErrorFields }>}
 */
export async function exportsOf(url) {
  try {
    const exports = await load(url);
    return { ok: true, functions: Object.keys(exports).filter((key) => typeof exports[key] === 'function') };
  } catch (thrown) {
    return { ok: false, error: errorFields(thrown) };
  }
}

// The probe: a worker of its own, so that checking a module runs none of
// its code on the page.
const scope = /** @type {any} */ (globalThis);
if (typeof scope.WorkerGlobalScope === 'function' && scope instanceof scope.WorkerGlobalScope && scope.name === 'poolscope-probe') {
  scope.onmessage = async (/** @type {MessageEvent} */ { data }) => scope.postMessage(await exportsOf(data.module));
  scope.postMessage({ type: 'probe-ready' }); // the page sends the module now (see probe in pool.js)
}
