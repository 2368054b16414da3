// @ts-check
// Loads the pool API once per mode. Two modes, one API:
// - `shared`: Web Workers sharing one wasm memory (pkg/), which needs a
//   cross-origin isolated page (COOP `same-origin`, COEP `require-corp`);
// - `fallback`: message-passing Web Workers, each with its own instance of
//   a build without shared memory (pkg-fallback/): the page's instance
//   owns the pool's core, each worker runs jobs in an instance of its own.

const loading = new Map();

/// Which mode this page can run, and why: `{ mode, reason }`; `mode` is
/// null when there are no Web Workers at all. `asked` is the `mode`
/// setting: `auto` picks shared memory where the page allows it.
export function chooseMode(asked = 'auto') {
  if (typeof Worker === 'undefined') {
    return { mode: null, reason: 'this browser has no Web Workers, so nothing can run beside the page' };
  }
  const isolated = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
  if (isolated && asked !== 'fallback') return { mode: 'shared', reason: 'the page is cross-origin isolated' };
  if (asked === 'fallback') return { mode: 'fallback', reason: 'the fallback was asked for (mode=fallback)' };
  return {
    mode: 'fallback',
    reason: globalThis.crossOriginIsolated !== true
      ? 'this page is not cross-origin isolated, so Web Workers cannot share memory'
      : 'this browser has no SharedArrayBuffer',
  };
}

/// What turns the shared-memory mode on, for the page to say.
export const SHARED_MODE_FIX = 'serve the page with the headers "Cross-Origin-Opener-Policy: same-origin" and ' +
  '"Cross-Origin-Embedder-Policy: require-corp" (scripts/serve.sh does), or register a service worker that adds them, ' +
  'and open it over http(s), not file://';

/// The api of an initialised wasm-bindgen module that exports poolscope's
/// class (pkg/, or a crate built on it such as examples/tiles): the module's
/// exports, `mode`, and the class's statics by short names. The crate
/// exports one prefixed class, so that a crate built on it can export
/// names of its own (README, "Install"); its limits and clock are static
/// methods. Pages use the short names.
export function apiOfModule(module, mode) {
  const PoolscopePool = module.PoolscopePool;
  const statics = ['eventFields', 'outcomes', 'kinds', 'maxWorkers', 'maxJobs', 'maxTimeoutMs', 'cpuChecksum', 'nowMs', 'currentThreadSerial',
    'refusedWaits', 'memoryBytes', 'livePools'];
  return { ...module, Pool: PoolscopePool, ...Object.fromEntries(statics.map((name) => [name, PoolscopePool[name]])), mode };
}

/// Resolves to the rayon strategy's module, `{ Pool, initThreadPool, ... }`
/// (`Pool.withRayon(size)`): the crate built with its `rayon` feature, a
/// module of its own that only a rayon run loads (shared memory only).
export function loadRayon() {
  if (!loading.has('rayon')) {
    loading.set('rayon', import('./rayon-pkg/poolscope_rayon.js').then(async (module) => {
      await module.default();
      return apiOfModule(module, 'shared');
    }));
  }
  return loading.get('rayon');
}

/// Resolves to `{ mode, Pool, eventFields, outcomes, ... }` for `mode`:
/// the pool alone. (The playground's real workloads are a part of their
/// own, www/workloads.js, loaded only by a run that asks for one.)
export function loadPoolscope(mode = chooseMode().mode) {
  if (!loading.has(mode)) {
    loading.set(mode, (mode === 'shared'
      // Each import() names its module whole, so that a bundler sees both.
      ? import('./pkg/poolscope.js')
      : import('./pkg-fallback/poolscope_fallback.js')).then(async (module) => {
      await module.default();
      return apiOfModule(module, mode);
    }));
  }
  return loading.get(mode);
}
