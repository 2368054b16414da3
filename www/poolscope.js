// Loads the wasm module once and hands out its API. Pages import this file,
// not pkg/ directly, so the module is initialised exactly once.
import init, * as api from './pkg/poolscope.js';

let loading;

/// Resolves to the poolscope API: `Pool`, `eventFields()`, `maxWorkers()`, ...
export function loadPoolscope() {
  loading ??= init().then(() => api);
  return loading;
}

/// Why this page cannot run shared-memory threads, or null if it can.
export function threadsUnavailableReason() {
  if (!globalThis.crossOriginIsolated) {
    return 'this page is not cross-origin isolated: serve it with the headers ' +
      '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" ' +
      '(scripts/serve.sh does), and open it over http(s), not file://';
  }
  if (typeof SharedArrayBuffer === 'undefined') return 'this browser has no SharedArrayBuffer';
  return null;
}
