// @ts-check
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

/**
 * What a job threw, as plain fields that cross any way (an `Error`
 * loses its class through structured clone in some browsers, and its
 * `stack` in others).
 * @param {unknown} thrown
 * @returns {{ name: string, message: string, stack: string }}
 */
export function errorFields(thrown) {
  if (thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'message' in thrown)) {
    const error = /** @type {Error} */ (thrown);
    return { name: String(error.name ?? 'Error'), message: String(error.message), stack: String(error.stack ?? '') };
  }
  return { name: 'Error', message: String(thrown), stack: '' };
}
