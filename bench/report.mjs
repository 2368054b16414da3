// @ts-check
// Turns bench/results.json into the book's Performance tables, so the
// book never shows a number the last run did not produce. all.mjs calls
// it after a run; `node bench/report.mjs` redoes it from results.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const START = '<!-- bench:start (written by bench/report.mjs from bench/results.json) -->';
const END = '<!-- bench:end -->';

const rate = (perSecond) => (perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M/s` : `${(perSecond / 1e3).toFixed(1)} k/s`);
const ms = (value) => `${Math.round(value)} ms`;
const times = (value, digits = 2) => `${value.toFixed(digits)}×`;
const bytes = (value) => value.toLocaleString('en-US');
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const verdict = (met) => (met ? 'met' : '**missed**');

/// The goals of the benchmark issue, each with whether this run met it.
export function goals(results) {
  const slowestDispatch = Math.min(...results.dispatch.map((r) => r.shared.jobsPerSecond));
  const leastVsWorkerpool = Math.min(...results.dispatch.map((r) => r.sharedVsWorkerpool));
  const cpu = results.scaling.results.filter((r) => r.kind === 'cpu');
  const atTwo = cpu.find((r) => r.workers === 2);
  // Overhead is the question: a pool faster than rayon is within 3% too.
  const worstRayon = Math.max(...cpu.map((r) => r.poolVsRayon - 1));
  // `ratio` is crossbeam's time ÷ poolscope's: within 1.5× means at least 1 / 1.5.
  const worstNative = Math.min(...results.native.map((r) => r.ratio));
  return [
    [`dispatch ≥ 1,000,000 jobs/s`, `${rate(slowestDispatch)} at the slowest`, slowestDispatch >= 1e6],
    [`dispatch ≥ 50× workerpool`, `${times(leastVsWorkerpool, 0)} at the least`, leastVsWorkerpool >= 50],
    [`cpu speedup ≥ 1.85× at 2 workers (${results.scaling.cores} cores)`, times(atTwo.poolSpeedup), atTwo.poolSpeedup >= 1.85],
    [`cpu time within 3% of rayon's`, worstRayon > 0 ? `${(worstRayon * 100).toFixed(1)}% longer at the most` : 'never longer', worstRayon <= 0.03],
    [`native within 1.5× of a crossbeam-channel pool`, `poolscope takes ${times(1 / worstNative)} the baseline's time at the most`, worstNative >= 1 / 1.5],
  ];
}

export function renderReport(results) {
  const { machine, dispatch, scaling, startup, native, sizes, wasmOpt } = results;
  const columns = (rows, label) => rows.map((r) => `${r.workers} ${label}`);
  const cpu = scaling.results.filter((r) => r.kind === 'cpu');
  const sleep = scaling.results.filter((r) => r.kind === 'sleep');
  const single = (kind) => ms(scaling.results.find((r) => r.kind === kind).singleThreadMs);
  return [
    `Measured with \`./bench/run.sh\` on ${machine.cores} cores (${machine.cpu}), ${machine.browser}, headless, ${machine.date}. ` +
      'Every figure is a median of 5 runs; every comparison is a ratio within one browser session (or one process). ' +
      '`bench/README.md` says what each part does; `bench/results.json` has every number.',
    '![Dispatch rate and scaling](images/chart.svg)',
    table(['dispatch, 200,000 empty jobs', ...columns(dispatch, 'w')], [
      ['poolscope, shared memory', ...dispatch.map((r) => `${rate(r.shared.jobsPerSecond)} (${r.shared.microsPerJob.toFixed(2)} µs)`)],
      ['poolscope, message passing', ...dispatch.map((r) => `${rate(r.fallback.jobsPerSecond)} (${r.fallback.microsPerJob.toFixed(1)} µs)`)],
      ['npm workerpool', ...dispatch.map((r) => `${rate(r.workerpool.jobsPerSecond)} (${r.workerpool.microsPerJob.toFixed(1)} µs)`)],
      ['shared ÷ workerpool', ...dispatch.map((r) => times(r.sharedVsWorkerpool, 0))],
    ]),
    table([`scaling, 400 jobs of 5 ms`, ...columns(cpu, 'w')], [
      ['cpu: pool speedup', ...cpu.map((r) => times(r.poolSpeedup))],
      ['cpu: rayon speedup', ...cpu.map((r) => times(r.rayonSpeedup))],
      ['cpu: pool time ÷ rayon time', ...cpu.map((r) => r.poolVsRayon.toFixed(3))],
      ['sleep: pool speedup', ...sleep.map((r) => times(r.poolSpeedup))],
      ['sleep: rayon speedup', ...sleep.map((r) => times(r.rayonSpeedup))],
      ['sleep: pool time ÷ rayon time', ...sleep.map((r) => r.poolVsRayon.toFixed(3))],
    ]),
    `One thread with no pool: cpu ${single('cpu')}, sleep ${single('sleep')} for the 400 jobs.`,
    table(['start-up', ...columns(startup, 'w')], [
      ['pool ready', ...startup.map((r) => ms(r.poolReadyMs))],
      ['wasm-bindgen-rayon initThreadPool', ...startup.map((r) => ms(r.rayonInitMs))],
      ['grow by one worker', ...startup.map((r) => ms(r.growByOneMs))],
    ]),
    table(['native, 1,000,000 trivial jobs', ...columns(native, 'w')], [
      ['poolscope on std threads', ...native.map((r) => rate(r.poolscopeJobsPerSecond))],
      ['crossbeam-channel pool', ...native.map((r) => rate(r.crossbeamJobsPerSecond))],
      ['crossbeam time ÷ poolscope time', ...native.map((r) => r.ratio.toFixed(2))],
    ]),
    table(['size', 'bytes', 'gzip -9'], sizes.map((r) => [r.name, bytes(r.bytes), bytes(r.gzipBytes)])),
    `The shipped modules went through \`wasm-opt -O3\` (npm's binaryen, \`scripts/build.sh\`). In one session, the shipped and the ` +
      `unoptimised pool module each returned the right value for all ${wasmOpt.shipped.jobsChecked} checked jobs, and 200,000 empty jobs ` +
      `on 2 workers took ${times(wasmOpt.shippedVsUnoptimizedTime)} the time with the shipped one ` +
      `(${wasmOpt.shipped.dispatchMs.toFixed(1)} vs ${wasmOpt.unoptimized.dispatchMs.toFixed(1)} ms).`,
    table(['goal (benchmark issue)', 'this run', ''], goals(results).map(([goal, value, met]) => [goal, value, verdict(met)])),
  ].join('\n\n');
}

/// Replaces the tables between the bench markers (the book's Performance chapter).
export function updateReadme(readmePath, report) {
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${readmePath} has no ${START} ... ${END} block`);
  writeFileSync(readmePath, `${readme.slice(0, start + START.length)}\n\n${report}\n\n${readme.slice(end)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = JSON.parse(readFileSync(fileURLToPath(new URL('./results.json', import.meta.url)), 'utf8'));
  updateReadme(fileURLToPath(new URL('../book/src/performance.md', import.meta.url)), renderReport(results));
  console.log('book/src/performance.md tables rewritten from bench/results.json');
}
