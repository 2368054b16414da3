// @ts-check
// The pool for JS, without the element: `loadPoolscope()` loads the
// shared-memory build where the page is cross-origin isolated, else the
// message-passing fallback, and gives both the same `Pool`. Its types
// (index.d.ts) are generated from the JSDoc by tsc (scripts/package.sh).
export { loadPoolscope, chooseMode, SHARED_MODE_FIX } from './api.js';

/** @typedef {import('./api.js').Mode} Mode */
/** @typedef {import('./api.js').ModeChoice} ModeChoice */
/** @typedef {import('./api.js').PoolOptions} PoolOptions */
/** @typedef {import('./api.js').Pool} Pool */
/** @typedef {import('./api.js').PoolscopeApi} PoolscopeApi */
