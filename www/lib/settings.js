// @ts-check
// The playground's settings: their defaults, allowed ranges, and how they
// travel in the URL (`?pool=3&jobs=12&kind=cpu&cost=300&dist=equal&seed=1`,
// or `?work=mandelbrot&view=full&tile=32`).

import { STRATEGY_LIST, strategyNamed, strategyProblem } from './strategies/index.js';

/// The largest pool the playground offers: the core's own cap
/// (`PoolscopePool.maxWorkers()`). Settings are checked as the element
/// connects, before the module loads, so it stands here; a unit test
/// (tests/unit/settings.test.mjs) holds it to the Rust constant.
export const MAX_POOL = 64;
/// The most jobs in one run.
export const MAX_JOBS = 200_000;
/// The longest job, in ms.
export const MAX_COST_MS = 10_000;
/// The longest job timeout, in ms (0: none).
export const MAX_TIMEOUT_MS = 60_000;
/// The most jobs a `fail` list names.
export const MAX_FAILING = 100;

/** @typedef {ReadonlyArray<readonly [string, string]>} Choices each value with the words a menu shows for it */

const same = (value) => /** @type {const} */ ([value, value]);
/// The settings chosen from a list: each value with the words the
/// playground's menus show for it (and the compare view, for strategies).
/// The lists of values below, and so the settings' rules, come from here.
/** @type {Readonly<Record<'kind' | 'strategy' | 'work' | 'dist' | 'view' | 'size' | 'tile', Choices>>} */
export const CHOICES = Object.freeze({
  kind: [['cpu', 'cpu: busy work'], ['sleep', 'sleep: waits, like I/O']],
  /// How the jobs reach the workers: the article's three ways, rayon and
  /// more, each a module of www/strategies/.
  strategy: STRATEGY_LIST.map(({ name, label }) => /** @type {const} */ ([name, label])),
  /// What the jobs compute: the built-in busy loops and sleeps, or a real
  /// workload from examples/tiles (www/workloads.js).
  work: [['synthetic', 'synthetic: busy loops, sleeps'], ['js', 'JS jobs: the same, in JavaScript'], ['code', 'your code: a job you write'], ['mandelbrot', 'Mandelbrot tiles'], ['primes', 'primes in ranges']],
  /// How the synthetic jobs' costs are spread (www/jobs.js).
  dist: ['equal', 'random', 'heavy', 'increasing'].map(same),
  /// The Mandelbrot's views and picture sizes (examples/tiles/src/mandelbrot.rs).
  view: ['full', 'seahorse', 'spiral'].map(same),
  size: ['512x384', '768x512', '1024x768'].map((size) => /** @type {const} */ ([size, size.replace('x', ' × ')])),
  /// The tile sides the menu offers; `tile` itself may be any side in TILE_RANGE.
  tile: [8, 16, 32, 64, 128, 256].map((px) => /** @type {const} */ ([String(px), `${px} px`])),
});
/** @param {Choices} choices */
const values = (choices) => choices.map(([value]) => value);
export const KINDS = values(CHOICES.kind);
export const STRATEGIES = values(CHOICES.strategy);
export const DISTRIBUTIONS = values(CHOICES.dist);
export const WORKS = values(CHOICES.work);
export const VIEWS = values(CHOICES.view);
export const SIZES = values(CHOICES.size);
/// How the pool API is loaded (www/api.js's chooseMode): `auto` picks shared memory where it can.
export const MODES = ['auto', 'shared', 'fallback'];
/// The element's `layout` attribute: which views show (playground.css).
export const LAYOUTS = ['log', 'timeline', 'compact', 'full'];
/// The tile side in px, and the primes' limit and range size.
export const TILE_RANGE = [8, 256];
export const MAX_LIMIT = 20_000_000;
export const CHUNK_RANGE = [1_000, 10_000_000];

/**
 * One run's settings, as the URL, the attributes and the controls give them.
 * @typedef {{ pool: number, jobs: number, kind: string, cost: number, dist: string, seed: number,
 *   fail: readonly number[], timeout: number, capacity: number, strategy: string, mode: string,
 *   work: string, view: string, size: string, tile: number, limit: number, chunk: number }} Settings
 */

/// The article's example, with jobs long enough to follow by eye.
/** @type {Readonly<Settings>} */
export const DEFAULTS = Object.freeze({
  pool: 2, jobs: 5, kind: 'cpu', cost: 400, dist: 'equal', seed: 1,
  fail: Object.freeze([]), timeout: 0, capacity: 0, strategy: 'pool', mode: 'auto',
  work: 'synthetic', view: 'seahorse', size: '768x512', tile: 64, limit: 5_000_000, chunk: 250_000,
});
/// Left out of the URL while they hold their default.
const QUIET_WHEN_DEFAULT = new Set(['fail', 'timeout', 'capacity', 'strategy', 'mode', 'work', 'view', 'size', 'tile', 'limit', 'chunk']);
/// The settings each workload reads; the others do not apply to it.
export const WORK_SETTINGS = Object.freeze({
  synthetic: ['jobs', 'kind', 'cost', 'dist', 'seed', 'fail', 'capacity'],
  js: ['jobs', 'kind', 'cost', 'dist', 'seed', 'fail', 'capacity'],
  code: ['jobs', 'capacity'],
  mandelbrot: ['view', 'size', 'tile'],
  primes: ['limit', 'chunk'],
});

const integer = (min, max) => ({
  range: `a whole number from ${min} to ${max}`,
  parse(text) {
    if (!/^\s*-?\d+\s*$/.test(text)) return undefined;
    const value = Number(text);
    return value >= min && value <= max ? value : undefined;
  },
});
const decimal = (min, max) => ({
  range: `a number from ${min} to ${max}`,
  parse(text) {
    if (!/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
    const value = Number(text);
    return value >= min && value <= max ? value : undefined;
  },
});
const jobList = {
  range: `job numbers from 1 to ${MAX_JOBS}, separated by commas (at most ${MAX_FAILING}), or nothing`,
  parse(text) {
    if (/^\s*$/.test(text)) return [];
    if (!/^\s*\d+(\s*,\s*\d+)*\s*$/.test(text)) return undefined;
    const jobs = [...new Set(text.split(',').map(Number))].sort((a, b) => a - b);
    return jobs.length <= MAX_FAILING && jobs.every((job) => job >= 1 && job <= MAX_JOBS) ? jobs : undefined;
  },
  format: (jobs) => jobs.join(','),
};
const oneOf = (choices) => ({
  range: `one of ${choices.join(', ')}`,
  parse: (text) => (choices.includes(text) ? text : undefined),
});

export const RULES = Object.freeze({
  pool: integer(1, MAX_POOL),
  jobs: integer(1, MAX_JOBS),
  kind: oneOf(KINDS),
  cost: decimal(0, MAX_COST_MS),
  dist: oneOf(DISTRIBUTIONS),
  seed: integer(0, 2 ** 32 - 1),
  fail: jobList,
  timeout: decimal(0, MAX_TIMEOUT_MS),
  capacity: integer(0, MAX_JOBS),
  strategy: oneOf(STRATEGIES),
  mode: oneOf(MODES),
  work: oneOf(WORKS),
  view: oneOf(VIEWS),
  size: oneOf(SIZES),
  tile: integer(...TILE_RANGE),
  limit: integer(1, MAX_LIMIT),
  chunk: integer(...CHUNK_RANGE),
});

/// Whether `work` is a real workload (its jobs made by examples/tiles, their
/// number by its own settings), rather than jobs of the asked costs: the
/// synthetic ones, or the same as JS jobs (`js`).
/** @param {string} work */
export function isRealWorkload(work) {
  return work === 'mandelbrot' || work === 'primes';
}

/// The jobs a run of `settings` has: `jobs` for synthetic work, else one
/// per tile or range.
export function jobCount(settings) {
  switch (settings.work) {
    case 'mandelbrot': {
      const [width, height] = settings.size.split('x').map(Number);
      return Math.ceil(width / settings.tile) * Math.ceil(height / settings.tile);
    }
    case 'primes':
      return Math.ceil(settings.limit / settings.chunk);
    default:
      return settings.jobs;
  }
}

/// How many Web Workers a run of `settings` starts.
/** @param {Settings} settings */
export function runWorkers(settings) {
  const { workers } = strategyNamed(settings.strategy);
  return workers ? workers(settings, jobCount(settings)) : settings.pool;
}

/// Why these settings cannot run together, or null: each value was
/// allowed on its own.
export function combinationProblem(settings) {
  const problem = strategyProblem(strategyNamed(settings.strategy), settings.work);
  if (!problem) return null;
  const usable = STRATEGY_LIST.filter((strategy) => !strategyProblem(strategy, settings.work)).map(({ name }) => name);
  return `strategy=${settings.strategy} is not allowed with work=${settings.work}: ${problem}; the strategy must be one of ${usable.join(', ')}.`;
}

/// Why `layout` (the attribute, null when absent) is not one of LAYOUTS, or
/// null: the stylesheet shows anything else as compact, its default.
/** @param {string | null} layout */
export function layoutProblem(layout) {
  if (layout === null || LAYOUTS.includes(layout)) return null;
  const shown = layout.length > 40 ? `${layout.slice(0, 40)}…` : layout;
  return `layout=${JSON.stringify(shown)} is not allowed: layout must be one of ${LAYOUTS.join(', ')}. Showing compact.`;
}

/// A setting as the URL and the controls write it.
export function formatSetting(name, value) {
  return RULES[name].format ? RULES[name].format(value) : String(value);
}

/// Checks one setting; returns `{ value }` or `{ problem }`, a sentence that
/// names the setting, the value given and the allowed range.
export function checkSetting(name, text) {
  const value = RULES[name].parse(String(text));
  if (value !== undefined) return { value };
  const shown = String(text).length > 40 ? `${String(text).slice(0, 40)}…` : String(text);
  return { problem: `${name}=${JSON.stringify(shown)} is not allowed: ${name} must be ${RULES[name].range}.` };
}

/// Reads the settings from an element's attributes, like a query string.
export function settingsFromAttributes(element) {
  const params = new URLSearchParams();
  for (const name of Object.keys(RULES)) {
    if (element.hasAttribute(name)) params.set(name, element.getAttribute(name));
  }
  // `autorun` is a boolean attribute: present (`autorun` or `autorun="1"`) or not.
  if (element.hasAttribute('autorun')) {
    const value = element.getAttribute('autorun');
    params.set('autorun', value === '' || value === 'autorun' ? '1' : value);
  }
  return settingsFromQuery(`?${params}`);
}

/// Reads the settings from a query string. A bad or unknown parameter does
/// not stop the page: its default is used, and `problems` says why.
export function settingsFromQuery(search) {
  const params = new URLSearchParams(search);
  const settings = { ...DEFAULTS };
  const problems = [];
  for (const name of Object.keys(RULES)) {
    if (!params.has(name)) continue;
    const { value, problem } = checkSetting(name, params.get(name));
    if (problem) problems.push(`${problem} Using the default, ${formatSetting(name, DEFAULTS[name]) || 'none'}.`);
    else settings[name] = value;
  }
  const combination = combinationProblem(settings);
  if (combination) {
    problems.push(`${combination} Using the default, ${DEFAULTS.strategy}.`);
    settings.strategy = DEFAULTS.strategy;
  }
  const autorun = params.get('autorun');
  if (autorun !== null && autorun !== '0' && autorun !== '1') {
    problems.push(`autorun=${JSON.stringify(autorun)} is not allowed: autorun must be 0 or 1.`);
  }
  return { settings, autorun: autorun === '1', problems };
}

/// The query string that reproduces `settings` (and keeps `autorun` if asked).
export function queryFromSettings(settings, autorun = false) {
  const params = new URLSearchParams();
  for (const name of Object.keys(RULES)) {
    const text = formatSetting(name, settings[name]);
    if (QUIET_WHEN_DEFAULT.has(name) && text === formatSetting(name, DEFAULTS[name])) continue;
    params.set(name, text);
  }
  if (autorun) params.set('autorun', '1');
  return `?${params}`;
}
