// @ts-check
// Every benchmark of bench/README.md in one go: prints the tables, writes
// bench/results.json and book/src/images/chart.svg. Run through bench/run.sh, which
// builds the release first. Medians of at least 5 runs; every comparison is
// a ratio taken in the same browser session (or the same process).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { benchDispatch, routeWorkerpool } from './dispatch.mjs';
import { renderReport, updateReadme } from './report.mjs';
import { benchSize } from './size.mjs';
import { measureStartup } from './startup.mjs';
import { median } from './median.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPEATS = 5;
const log = (line) => process.stderr.write(`${line}\n`);

/// 400 jobs of ~5 ms at 1 to 2x the cores, for the pool, rayon's work
/// stealing on a pool of the same size, and one thread with no pool.
async function benchScaling(context, origin) {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency || 1);
  const sizes = Array.from({ length: 2 * cores }, (_, i) => i + 1);
  const results = [];
  for (const kind of ['cpu', 'sleep']) {
    const single = [];
    for (let i = 0; i < REPEATS; i++) {
      single.push(await page.evaluate(async (kind) => {
        const { loadPoolscope } = await import('/api.js');
        const api = await loadPoolscope('shared');
        const start = performance.now();
        for (let job = 1; job <= 400; job++) {
          if (kind === 'cpu') api.cpuChecksum(job, 5);
          else await new Promise((resolve) => setTimeout(resolve, 5));
        }
        return performance.now() - start;
      }, kind));
    }
    for (const workers of sizes) {
      const row = { kind, workers, singleThreadMs: median(single) };
      for (const executor of ['pool', 'rayon']) {
        const times = [];
        for (let i = 0; i < REPEATS; i++) {
          times.push(await page.evaluate(async ([kind, workers, executor]) => {
            const { loadPoolscope, loadRayon } = await import('/api.js');
            // rayon's pool is the crate's `rayon` build: the same job code, a module of its own.
            const pool = executor === 'rayon' ? (await loadRayon()).Pool.withRayon(workers) : new (await loadPoolscope('shared')).Pool(workers);
            await pool.ready();
            pool.submitCosts(kind, new Float64Array(workers * 2).fill(1)); // warm: threads up, code optimised
            await pool.done();
            const start = performance.now();
            pool.submitCosts(kind, new Float64Array(400).fill(5));
            await pool.done();
            const ms = performance.now() - start;
            pool.free();
            return ms;
          }, [kind, workers, executor]));
        }
        row[`${executor}Ms`] = median(times);
      }
      results.push(row);
      log(`scaling: ${kind} x${workers}: pool ${row.poolMs.toFixed(0)} ms, rayon ${row.rayonMs.toFixed(0)} ms`);
    }
    const one = results.find((r) => r.kind === kind && r.workers === 1);
    for (const row of results.filter((r) => r.kind === kind)) {
      row.poolSpeedup = one.poolMs / row.poolMs;
      row.rayonSpeedup = one.rayonMs / row.rayonMs;
      row.poolVsRayon = row.poolMs / row.rayonMs;
    }
  }
  return { cores, results };
}

/// Start-up, as `bench/startup.mjs` measures it (the next pool on a page,
/// the first one also calibrates cpu jobs), in this run's rows.
async function benchStartup(context, origin) {
  const rows = await measureStartup(context, origin, { repeats: REPEATS, onStep: log });
  return rows.map(({ size, nextPoolMs, growByOneMs, rayonInitMs }) => ({
    workers: size, poolReadyMs: nextPoolMs, growByOneMs, rayonInitMs, poolVsRayon: nextPoolMs / rayonInitMs,
  }));
}

function benchNative() {
  const out = execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'native_bench', '--', 'trivial'], { cwd: ROOT, encoding: 'utf8' });
  return out.trim().split('\n').map((line) => JSON.parse(line));
}

function chart(results) {
  // Dispatch (jobs/s, log scale) and scaling (speedup) side by side.
  const bars = [];
  const max = Math.log10(Math.max(...results.dispatch.flatMap((r) => [r.shared.jobsPerSecond, r.fallback.jobsPerSecond, r.workerpool.jobsPerSecond])));
  const colors = { shared: '#2f6fde', fallback: '#d6782e', workerpool: '#8a8f98' };
  results.dispatch.forEach((row, i) => ['shared', 'fallback', 'workerpool'].forEach((name, j) => {
    const height = (200 * Math.log10(row[name].jobsPerSecond)) / max;
    const x = 40 + i * 110 + j * 30;
    bars.push(`<rect x="${x}" y="${230 - height}" width="26" height="${height}" fill="${colors[name]}"><title>${name}, ${row.workers} workers: ${Math.round(row[name].jobsPerSecond)} jobs/s</title></rect>`);
  }));
  results.dispatch.forEach((row, i) => bars.push(`<text x="${40 + i * 110 + 45}" y="248" text-anchor="middle">${row.workers} worker${row.workers > 1 ? 's' : ''}</text>`));
  const scaling = results.scaling.results.filter((r) => r.kind === 'cpu');
  const top = Math.max(...scaling.flatMap((r) => [r.poolSpeedup, r.rayonSpeedup]), 2);
  const point = (r, key) => `${420 + (r.workers - 1) * (220 / Math.max(1, scaling.length - 1))},${230 - (200 * r[key]) / top}`;
  const lines = [
    `<polyline fill="none" stroke="#2f6fde" stroke-width="3" points="${scaling.map((r) => point(r, 'poolSpeedup')).join(' ')}"/>`,
    `<polyline fill="none" stroke="#1b7f3b" stroke-width="3" stroke-dasharray="6 4" points="${scaling.map((r) => point(r, 'rayonSpeedup')).join(' ')}"/>`,
    ...scaling.map((r) => `<text x="${point(r, 'poolSpeedup').split(',')[0]}" y="248" text-anchor="middle">${r.workers}</text>`),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 680 300" font-family="system-ui, sans-serif" font-size="12">
<rect width="680" height="300" fill="#fff"/>
<text x="40" y="18" font-weight="bold">Dispatch: empty jobs per second (log scale)</text>
${bars.join('\n')}
<text x="40" y="275" fill="#2f6fde">■ shared memory</text><text x="150" y="275" fill="#d6782e">■ message passing</text><text x="280" y="275" fill="#8a8f98">■ workerpool</text>
<text x="420" y="18" font-weight="bold">Scaling: 400 cpu jobs of 5 ms, speedup over 1 worker</text>
<line x1="420" y1="230" x2="640" y2="230" stroke="#999"/>
${lines.join('\n')}
<text x="420" y="275" fill="#2f6fde">— pool</text><text x="480" y="275" fill="#1b7f3b">- - rayon</text><text x="560" y="275">workers</text>
</svg>
`;
}

/// Each part in a browser of its own: one part's leftovers (rayon threads,
/// terminated workers) never weigh on the next; within a part, the
/// comparison shares one session.
async function inBrowser(origin, part, { vendor = false } = {}) {
  const browser = await launchChromium();
  try {
    if (vendor) await routeWorkerpool(browser.context);
    return await part(browser.context, origin);
  } finally {
    await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }
}

const server = await startServer({ blobWorkers: true }); // initThreadPool's workers are blob: URLs
const machine = {
  date: new Date().toISOString().slice(0, 10),
  cpu: readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown',
  cores: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
  browser: execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim(),
};
// `node bench/all.mjs startup size` runs only those parts (the rest is kept from results.json).
const only = new Set(process.argv.slice(2));
const wanted = (part) => only.size === 0 || only.has(part);
let results = { machine };
if (only.size > 0) {
  try {
    results = { ...JSON.parse(readFileSync(join(ROOT, 'bench/results.json'), 'utf8')), machine };
  } catch {
    // nothing kept yet
  }
}
try {
  if (wanted('dispatch')) results.dispatch = await inBrowser(server.origin, (context, origin) => benchDispatch(context, origin, log), { vendor: true });
  if (wanted('scaling')) results.scaling = await inBrowser(server.origin, benchScaling);
  if (wanted('startup')) results.startup = await inBrowser(server.origin, benchStartup);
  if (wanted('size')) delete results.size, Object.assign(results, await inBrowser(server.origin, (context, origin) => benchSize(context, origin, ROOT, log)));
} finally {
  server.stop();
}
if (wanted('native')) results.native = benchNative();
writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(ROOT, 'book/src/images/chart.svg'), chart(results));

const report = renderReport(results);
updateReadme(join(ROOT, 'book', 'src', 'performance.md'), report);
console.log(report);
console.log('\nwrote bench/results.json, book/src/images/chart.svg and the tables of book/src/performance.md');
