// The playground's JS jobs (`work=js`): the same jobs as its built-in
// kinds, written in JavaScript and run as JS jobs (`pool.map`). One
// function, as the Go article's worker is one function: it gets its job
// number, its cost, its kind and whether it is to fail.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// A busy loop of about `ms` milliseconds.
function busy(ms) {
  const end = performance.now() + ms;
  let spins = 0;
  while (performance.now() < end) spins++;
  return spins;
}

/**
 * The article's worker: works `costMs` (waits, for `sleep`; a busy loop,
 * for `cpu`), then sends twice the job's number; `fail` throws instead.
 * @param {{ n: number, costMs: number, kind: 'cpu' | 'sleep', fail: boolean }} job
 */
export async function worker({ n, costMs, kind, fail }) {
  if (kind === 'sleep') await sleep(costMs);
  else busy(costMs);
  if (fail) throw new Error(`job ${n} failed on purpose (fail=${n})`);
  return n * 2;
}
