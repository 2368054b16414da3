// The playground's settings (www/settings.js), without a browser: defaults,
// the URL contract, and the message a bad value gets.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { CHOICES, DEFAULTS, MAX_POOL, RULES, checkSetting, combinationProblem, jobCount, layoutProblem, queryFromSettings, runWorkers, settingsFromQuery } from '../../www/lib/settings.js';
import { UNBOUNDED_CAP, workerPerJob } from '../../www/lib/strategies/unbounded.js';

test('no parameters give the article\'s example, and its URL stays short', () => {
  const { settings, autorun, problems } = settingsFromQuery('');
  assert.deepEqual(settings, { ...DEFAULTS });
  assert.equal(autorun, false);
  assert.deepEqual(problems, []);
  assert.equal(queryFromSettings(settings), '?pool=2&jobs=5&kind=cpu&cost=400&dist=equal&seed=1');
});

test('every setting survives a trip through the URL', () => {
  const query = '?pool=7&jobs=300&kind=sleep&cost=12.5&dist=heavy&seed=42&fail=1%2C3&timeout=900&capacity=10&strategy=partition&mode=fallback&work=mandelbrot&view=full&size=1024x768&tile=32&limit=100&chunk=5000&autorun=1';
  const { settings, autorun, problems } = settingsFromQuery(query);
  assert.deepEqual(problems, []);
  assert.equal(autorun, true);
  assert.deepEqual(settingsFromQuery(queryFromSettings(settings, true)).settings, settings);
  assert.deepEqual(settings.fail, [1, 3]);
});

test('a bad value is named with its range, and its default is used', () => {
  const { settings, problems } = settingsFromQuery('?pool=0&jobs=abc&work=blur&tile=3&autorun=2');
  assert.deepEqual(problems, [
    'pool="0" is not allowed: pool must be a whole number from 1 to 64. Using the default, 2.',
    'jobs="abc" is not allowed: jobs must be a whole number from 1 to 200000. Using the default, 5.',
    'work="blur" is not allowed: work must be one of synthetic, js, code, mandelbrot, primes. Using the default, synthetic.',
    'tile="3" is not allowed: tile must be a whole number from 8 to 256. Using the default, 64.',
    'autorun="2" is not allowed: autorun must be 0 or 1.',
  ]);
  assert.equal(settings.pool, 2);
  assert.equal(settings.jobs, 5);
  assert.equal(checkSetting('jobs', '1000000000').problem, 'jobs="1000000000" is not allowed: jobs must be a whole number from 1 to 200000.');
  assert.match(checkSetting('fail', 'x'.repeat(100)).problem, /^fail="x{40}…" is not allowed/, 'a long value is cut in the message');
});

test('rayon with a real workload is refused, and each workload counts its own jobs', () => {
  const { settings, problems } = settingsFromQuery('?work=primes&strategy=rayon&limit=1000000&chunk=300000');
  assert.match(problems[0], /^strategy=rayon is not allowed with work=primes: .* Using the default, pool\.$/);
  assert.equal(settings.strategy, 'pool');
  assert.equal(combinationProblem({ ...settings, work: 'synthetic', strategy: 'rayon' }), null);
  assert.equal(jobCount(settings), 4, '1,000,000 in ranges of 300,000');
  assert.equal(jobCount({ ...DEFAULTS, work: 'mandelbrot', size: '768x512', tile: 64 }), 96);
  assert.equal(jobCount({ ...DEFAULTS, work: 'mandelbrot', size: '512x384', tile: 100 }), 24, 'edge tiles count');
  assert.equal(jobCount({ ...DEFAULTS, jobs: 9 }), 9);
});

test('every menu offers only values its setting allows, and a listed setting allows only its menu\'s values', () => {
  for (const [name, choices] of Object.entries(CHOICES)) {
    for (const [value] of choices) assert.equal(checkSetting(name, value).value !== undefined, true, `${name}=${value}`);
    assert.ok(choices.some(([value]) => value === String(DEFAULTS[name])), `${name}'s default is on its menu`);
  }
  for (const name of ['kind', 'strategy', 'work', 'dist', 'view', 'size']) {
    assert.equal(RULES[name].range, `one of ${CHOICES[name].map(([value]) => value).join(', ')}`);
  }
  assert.equal(checkSetting('tile', '48').value, 48, 'a side the menu does not list is still a tile');
});

test('a worker per job: one each up to the cap, then each worker takes its share in turn', () => {
  assert.deepEqual(workerPerJob(5), { workers: 5, jobsPerWorker: 1, capped: false });
  assert.deepEqual(workerPerJob(UNBOUNDED_CAP), { workers: UNBOUNDED_CAP, jobsPerWorker: 1, capped: false });
  assert.deepEqual(workerPerJob(UNBOUNDED_CAP + 1), { workers: UNBOUNDED_CAP, jobsPerWorker: 2, capped: true });
  assert.deepEqual(workerPerJob(1000), { workers: 64, jobsPerWorker: 16, capped: true });
  const { workers, jobsPerWorker } = workerPerJob(200_000);
  assert.ok(workers * jobsPerWorker >= 200_000, 'the quotas cover every job');
  assert.equal(runWorkers({ ...DEFAULTS, pool: 3, jobs: 12 }), 3, 'the other strategies start the pool asked for');
  assert.equal(runWorkers({ ...DEFAULTS, strategy: 'unbounded', pool: 3, jobs: 12 }), 12);
  assert.equal(runWorkers({ ...DEFAULTS, strategy: 'unbounded', work: 'mandelbrot', size: '768x512', tile: 64 }), 64, 'a workload\'s jobs are its tiles');
});

test('a layout the element does not know is named, and shown as compact', () => {
  assert.equal(layoutProblem(null), null, 'no attribute: the stylesheet\'s default');
  for (const layout of ['log', 'timeline', 'compact', 'full']) assert.equal(layoutProblem(layout), null);
  assert.equal(layoutProblem('grid'), 'layout="grid" is not allowed: layout must be one of log, timeline, compact, full. Showing compact.');
  assert.match(layoutProblem('x'.repeat(50)), /^layout="x{40}…" is not allowed/);
});

test('the element has a property for every setting, and observes every one', async () => {
  const { readFileSync } = await import('node:fs');
  const source = readFileSync(new URL('../../www/lib/element-properties.js', import.meta.url), 'utf8');
  for (const name of Object.keys(RULES)) {
    assert.match(source, new RegExp(`\\n  get ${name}\\(\\) \\{ return this\\.#setting\\('${name}'\\); \\}\\n  set ${name}\\(value\\) \\{ this\\.#reflect\\('${name}', value\\); \\}`), `element.${name} mirrors its attribute`);
  }
  assert.match(source, /return \[\.\.\.Object\.keys\(RULES\), 'layout', 'theme'\];/, 'observedAttributes: every setting, layout and theme');
  const element = readFileSync(new URL('../../www/lib/element.js', import.meta.url), 'utf8');
  assert.match(element, /\nexport class PoolPlayground extends PlaygroundProperties \{/, 'the element\'s class has them from element-properties.js');
});

test('the pool size\'s limit is the core\'s (MAX_WORKERS in src/core/options.rs, PoolscopePool.maxWorkers())', () => {
  // The element checks its settings as it connects, before any wasm has
  // loaded, so it cannot ask the module: this keeps the two from drifting.
  const rust = readFileSync(new URL('../../src/core/options.rs', import.meta.url), 'utf8');
  const core = Number(rust.match(/pub const MAX_WORKERS: usize = (\d+);/)?.[1]);
  assert.equal(MAX_POOL, core);
  assert.equal(checkSetting('pool', String(core)).value, core);
  assert.match(checkSetting('pool', String(core + 1)).problem ?? '', new RegExp(`from 1 to ${core}`));
});
