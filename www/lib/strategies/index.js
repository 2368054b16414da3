// @ts-check
// The scheduling strategies (`strategy=`): each one is a module of its own
// in this folder, and this list is the only place that names them. The
// settings' menu and rules, the runner (run.js), the compare view and the
// element all read a strategy from here; none of them switches on a name.
//
// To add one: write its module (see `Strategy` below and pool.js, the
// simplest), then import it here, add it to STRATEGY_LIST and its name to
// StrategyName (the element's `strategy` property's type). Nothing else
// names it: scripts/package.sh ships this folder whole. The order is the
// menu's and the comparison's.

import pool from './pool.js';
import partition from './partition.js';
import unbounded from './unbounded.js';
import rayon from './rayon.js';
import longestFirst from './longest-first.js';

/** @typedef {'pool' | 'partition' | 'unbounded' | 'rayon' | 'longest-first'} StrategyName */

/**
 * How the jobs of a run reach the workers.
 * @typedef {import('../settings.js').Settings} Settings
 * @typedef {object} Strategy
 * @property {string} name the setting's value: `strategy=pool`
 * @property {string} label the menu's words: 'pool: shared queue' (a sentence says 'pool (shared queue)')
 * @property {(api: any, settings: Settings, options: Record<string, number>, notes: string[]) => any} makePool
 *   its pool (or a promise of it): `options` holds the run's `capacity` and `jobTimeoutMs`; what it had to leave out goes in `notes`
 * @property {(pool: any, settings: Settings, costs: Float64Array, failing: Uint8Array) => Promise<void> | void} submit
 *   queues the synthetic jobs, in the order `arrange` gave them
 * @property {(costs: Float64Array) => Float64Array} [arrange] the order the jobs are queued in (default: as made)
 * @property {boolean} [partitioned] a real workload's jobs go in fixed slices, one per worker (else on the shared queue)
 * @property {(settings: Settings, jobs: number) => number} [workers] the Web Workers a run of `jobs` starts (default: `pool`)
 * @property {(settings: Settings, workersThatRan: number) => number} [countedWorkers]
 *   the workers whose time the compare view's idle share counts (default: `pool`)
 * @property {string} [refusesWork] why it cannot run a real workload (`work=mandelbrot|primes`), if it cannot
 * @property {string} [refusesJs] why it cannot run JS jobs (`work=js`, `work=code`), if it cannot
 * @property {boolean} [needsSharedMemory] it runs only in the shared-memory mode
 * @property {boolean} [makesNoFailures] it cannot make the jobs of `fail` panic: a comparison leaves `fail` out
 * @property {(by: Record<string, { wallMs: number, startupMs: number, idlePercent: number, strategy: string }>, settings: Settings, sentenceName: (name: string) => string) => string | null} [explain]
 *   one sentence on the comparison when this strategy's result says something of its own, else null
 */

/** @type {readonly Strategy[]} */
export const STRATEGY_LIST = Object.freeze([
  pool,
  partition,
  unbounded,
  rayon,
  longestFirst,
]);

/** @type {Readonly<Record<string, Strategy>>} */
const BY_NAME = Object.freeze(Object.fromEntries(STRATEGY_LIST.map((strategy) => [strategy.name, strategy])));

/// The strategy named `name` (a checked setting, so one of the list).
/** @param {string} name @returns {Strategy} */
export function strategyNamed(name) {
  const strategy = BY_NAME[name];
  if (!strategy) throw new RangeError(`no strategy is named ${JSON.stringify(name)}`);
  return strategy;
}

/// How a sentence names a strategy: 'pool (shared queue)'.
/** @param {string} name */
export function sentenceName(name) {
  return strategyNamed(name).label.replace(/^([^:]+): (.+)$/, '$1 ($2)');
}

/// Why `strategy` cannot run `work` in `mode` (null when it can).
/** @param {Strategy} strategy @param {string} work @param {string | null} [mode] */
export function strategyProblem(strategy, work, mode = null) {
  if (strategy.refusesJs && (work === 'js' || work === 'code')) return strategy.refusesJs;
  if (strategy.refusesWork && work === 'code') return `${strategy.name} needs each job's cost before the run, and your code's is known only once it ran`;
  if (strategy.refusesWork && work !== 'synthetic' && work !== 'js') return strategy.refusesWork;
  if (strategy.needsSharedMemory && mode !== null && mode !== 'shared') return `${strategy.name} needs shared memory`;
  return null;
}
