// The strategies (www/strategies/): one registry that the settings, the
// runner and the compare view read, and longest-first, the one added to
// prove that a strategy is its own module plus one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STRATEGY_LIST, sentenceName, strategyNamed, strategyProblem } from '../../www/lib/strategies/index.js';
import { CHOICES, DEFAULTS, combinationProblem, runWorkers, settingsFromQuery } from '../../www/lib/settings.js';
import longestFirst from '../../www/lib/strategies/longest-first.js';

test('every strategy in the list is in the menu, by its own words, and can make a pool and submit', () => {
  assert.deepEqual(CHOICES.strategy.map(([value]) => value), STRATEGY_LIST.map((s) => s.name));
  assert.deepEqual(STRATEGY_LIST.map((s) => s.name), ['pool', 'partition', 'unbounded', 'rayon', 'longest-first']);
  for (const strategy of STRATEGY_LIST) {
    assert.equal(typeof strategy.makePool, 'function', strategy.name);
    assert.equal(typeof strategy.submit, 'function', strategy.name);
    assert.equal(strategyNamed(strategy.name), strategy);
  }
  assert.equal(sentenceName('pool'), 'pool (shared queue)');
  assert.equal(sentenceName('longest-first'), 'LPT (longest jobs first)');
  assert.throws(() => strategyNamed('lifo'), RangeError);
});

test('longest-first queues the costs longest first on the shared queue, bounded or not', async () => {
  const arranged = longestFirst.arrange(Float64Array.from([10, 300, 20, 300, 5]));
  assert.deepEqual([...arranged], [300, 300, 20, 10, 5]);
  const calls = [];
  const pool = {
    submitCosts: (kind, costs, failing) => calls.push(['submitCosts', kind, [...costs], [...failing]]),
    submitWait: async (kind, costs) => calls.push(['submitWait', kind, [...costs]]),
  };
  const failing = new Uint8Array(5);
  await longestFirst.submit(pool, { ...DEFAULTS, kind: 'sleep' }, arranged, failing);
  await longestFirst.submit(pool, { ...DEFAULTS, capacity: 2 }, arranged, failing);
  assert.deepEqual(calls, [['submitCosts', 'sleep', [300, 300, 20, 10, 5], [0, 0, 0, 0, 0]], ['submitWait', 'cpu', [300, 300, 20, 10, 5]]]);
  class Pool { constructor(size, options) { Object.assign(this, { size, options }); } }
  assert.deepEqual({ ...longestFirst.makePool({ Pool }, { ...DEFAULTS, pool: 3 }, { jobTimeoutMs: 50 }, []) }, { size: 3, options: { jobTimeoutMs: 50 } });
  assert.equal(runWorkers({ ...DEFAULTS, strategy: 'longest-first', pool: 3, jobs: 12 }), 3);
});

test('what a strategy refuses comes from the strategy: work it cannot run, a mode it needs', () => {
  assert.match(combinationProblem({ ...DEFAULTS, strategy: 'longest-first', work: 'mandelbrot' }),
    /^strategy=longest-first is not allowed with work=mandelbrot: its order needs each job's cost .*; the strategy must be one of pool, partition, unbounded\.$/);
  assert.equal(combinationProblem({ ...DEFAULTS, strategy: 'longest-first' }), null);
  const { settings, problems } = settingsFromQuery('?strategy=longest-first&work=primes');
  assert.equal(settings.strategy, 'pool');
  assert.equal(problems.length, 1);
  assert.match(strategyProblem(strategyNamed('rayon'), 'synthetic', 'fallback'), /needs shared memory/);
  assert.equal(strategyProblem(strategyNamed('rayon'), 'synthetic', 'shared'), null);
  assert.equal(strategyProblem(strategyNamed('longest-first'), 'synthetic', 'fallback'), null);
});
