// @ts-check
// examples/tiles' exports for the message-passing fallback: the same
// functions as www/tiles-pkg (`renderMandelbrot`, `countPrimes`, ...), with
// the same labels and results, on the fallback's pool. Each job is a call
// of the crate's kernels in a worker's own instance (tiles-pkg-fallback,
// `submitCalls`); its value comes back in the reply message.

const KERNELS = new URL('./tiles-pkg-fallback/poolscope_tiles_fallback.js', import.meta.url).href;


/// An `Error` named as the shared-memory build names a job's end
/// (`outcome` by the module's name for it, `PoolscopePool.outcomes()`).
function jobError(outcome, job, message) {
  const [name, text] = outcome === 'cancelled' ? ['Cancelled', `job ${job} was cancelled before it ran`]
    : outcome === 'timed out' ? ['TimedOut', `job ${job} ran past the job timeout`]
      : ['Panicked', `job ${job} panicked: ${message}`];
  return Object.assign(new Error(text), { name });
}

/// Queues a call of kernel `work` per entry of `calls`; `each(index, value,
/// worker, job)` as each completes. Resolves once all have; rejects with the
/// first job that did not complete.
function callEach(pool, work, calls, labels, partition, each) {
  return /** @type {Promise<void>} */ (new Promise((resolve, reject) => {
    let left = calls.length;
    let first = 0;
    let failed = false;
    const outcomes = pool.constructor.outcomes();
    const settle = (outcome, value, job, worker) => {
      if (failed) return;
      if (outcomes[outcome] !== 'completed') {
        failed = true;
        reject(jobError(outcomes[outcome], job, value));
        return;
      }
      each(job - first, value, worker, job);
      if (--left === 0) resolve();
    };
    first = pool.submitCalls(KERNELS, work, calls, labels, partition, settle);
    if (calls.length === 0) resolve();
  }));
}

export function renderMandelbrot(pool, width, height, tile, view, onTile, partition = false) {
  const columns = Math.ceil(width / tile);
  const tiles = columns * Math.ceil(height / tile);
  const calls = Array.from({ length: tiles }, (_, index) => [width, height, tile, view, index]);
  const labels = calls.map((_, index) => `tile ${index % columns},${Math.floor(index / columns)}`);
  return callEach(pool, 'mandelbrotTile', calls, labels, partition, (index, pixels, worker, job) => {
    const [x, y] = [(index % columns) * tile, Math.floor(index / columns) * tile];
    onTile({ index, x, y, width: Math.min(tile, width - x), height: Math.min(tile, height - y), pixels, worker, job });
  }).then(() => tiles);
}

export function renderMandelbrotWhole(pool, width, height, view) {
  let whole;
  return callEach(pool, 'mandelbrotWhole', [[width, height, view]], ['the whole image, one thread'], false, (_, pixels) => { whole = pixels; })
    .then(() => whole);
}

export function countPrimes(pool, limit, chunk, onRange, partition = false) {
  const ranges = Math.ceil(limit / chunk);
  const calls = Array.from({ length: ranges }, (_, index) => [limit, chunk, index]);
  const bounds = (index) => [index * chunk, Math.min(limit, (index + 1) * chunk)];
  const labels = calls.map((_, index) => `primes ${bounds(index)[0]}-${bounds(index)[1] - 1}`);
  let total = 0;
  return callEach(pool, 'primesInRange', calls, labels, partition, (index, count, worker, job) => {
    const [start, end] = bounds(index);
    total += count;
    onRange({ index, start, end, count, worker, job });
  }).then(() => total);
}

export function countPrimesBySieve(pool, limit, chunk) {
  let counts;
  return callEach(pool, 'primesBySieve', [[limit, chunk]], ['sieve, one thread'], false, (_, value) => { counts = [...value]; })
    .then(() => counts);
}
