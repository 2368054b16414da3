// The npm package as people install it: the tarball that `npm pack` made
// (scripts/package.sh) installed into a fresh folder, then used (a) by a
// plain ES-module page with an import map and (b) by an app built with Vite
// (pinned in package.json) in a production build and (c) the same app on
// Vite's dev server and (d) a webpack 5 build, the package copied beside the
// bundle; each runs a pool and the element in both modes. Its types are checked by tsc on a TypeScript file
// that uses them, one line of which must be refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, openPage, startDevServer, startServer } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"$/m)[1];
const TARBALL = join(ROOT, 'dist', 'npm', `poolscope-${VERSION}.tgz`);
const JOBS = 20;
const WEBPACK_TOOLS = join(ROOT, 'tools', 'webpack', 'node_modules');

// What both apps run: a pool of 2 in `mode`, 20 cpu jobs, every event back.
const MAIN = (from) => `${from === 'webpack' ? WEBPACK_IMPORTS : `import { loadPoolscope } from '${from}';
import '${from === 'poolscope' ? 'poolscope/element' : './node_modules/poolscope/poolscope.js'}';`}
window.runPool = async (mode) => {
  const api = await loadPoolscope(mode);
  const pool = new api.Pool(2);
  await pool.ready();
  const first = pool.submit('cpu', ${JOBS}, 2);
  await pool.done();
  const events = Array.from(pool.takeEvents());
  pool.free();
  // The app's own functions as jobs (README's first example for JS users).
  const jobs = new api.Pool(2, { module: new URL('./tasks.js', ${from === 'webpack' ? 'document.baseURI' : 'import.meta.url'}) });
  const doubled = await jobs.map('double', [1, 2, 3]);
  const answer = await jobs.run('double', [21]);
  const refused = await jobs.run('refuse', ['no']).catch((error) => error.name + ': ' + error.message);
  jobs.free();
  return { mode: api.mode, first, fields: api.eventFields(), events, doubled, answer, refused };
};
`;
// webpack: the package is not bundled but copied beside the bundle and
// imported from there (webpackIgnore), since its workers start from its
// modules' own URLs (a webpack chunk run as a worker finds no module).
const WEBPACK_IMPORTS = `const loadPoolscope = async (mode) => (await import(/* webpackIgnore: true */ './poolscope/index.js')).loadPoolscope(mode);
import(/* webpackIgnore: true */ './poolscope/poolscope.js'); // <worker-pool-playground>`;
const WEBPACK_CONFIG = (tools) => `import CopyPlugin from '${tools}/copy-webpack-plugin/dist/index.js';
export default {
  mode: 'production',
  entry: './webpack-main.js',
  output: { path: new URL('./dist-webpack', import.meta.url).pathname, clean: true },
  plugins: [new CopyPlugin({ patterns: [
    // info.minimized: copied as they are (terser would choke on top-level await).
    { from: 'node_modules/poolscope', to: 'poolscope', globOptions: { ignore: ['**/*.d.ts', '**/package.json', '**/README.md'] }, info: { minimized: true } },
    { from: 'tasks.js', info: { minimized: true } },
    { from: 'public/favicon.svg' },
  ] })],
};
`;
// The app's module of job functions.
const TASKS = `export function double(n) { return n * 2; }
export function refuse(why) { throw new RangeError('refused: ' + why); }
`;
const BODY = `<worker-pool-playground id="embed" pool="2" jobs="6" cost="10" layout="log"></worker-pool-playground>`;
const HEAD = '<meta charset="utf-8"><title>app</title><link rel="icon" href="/favicon.svg">';

// Uses the package's types; the last line must be an error, so the check can fail.
const CHECK_TS = `import { loadPoolscope, type PoolscopeApi } from 'poolscope';
import 'poolscope/element';
import { watchPool } from 'poolscope/watch';
const api: PoolscopeApi = await loadPoolscope('shared');
const pool = new api.Pool(2, { capacity: 10 });
const first: number = pool.submit('cpu', 5, 10);
const events: Float64Array = pool.takeEvents();
watchPool(pool, document.body).stop();
document.querySelector('worker-pool-playground')?.addEventListener('poolscope-run', (event) => {
  const ran: number = event.detail.summary.ran;
  console.log(first, events.length, ran);
});
const element = document.querySelector('pool-playground');
if (element) {
  element.pool = 3;
  element.strategy = 'longest-first';
  void element.start().then(() => element.exportTrace()?.traceEvents.length);
}
const jobs = new api.Pool(2, { module: new URL('./tasks.js', import.meta.url) });
const answer: number = await jobs.run<number>('double', [21], { timeoutMs: 500, label: 'the answer' });
for await (const result of jobs.map<number, number>('double', [1, 2], { label: (n) => \`double \${n}\` })) {
  const worker: number = result.worker;
  if (result.ok) console.log(answer + result.value + worker);
  else console.log(result.error.name);
}
// @ts-expect-error: a timeout is a number of ms
void jobs.run('double', [1], { timeoutMs: 'soon' });
// @ts-expect-error: a pool size is a number
new api.Pool('2');
`;

/// Vite's dev server on `app`; ISOLATED=1 makes its config send COOP/COEP.
const startViteDev = (app, isolated) => startDevServer({
  name: "Vite's dev server", args: [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')], cwd: app, env: { ISOLATED: isolated ? '1' : '0' },
});

let app;
let browser;
const servers = {};
before(async () => {
  assert.ok(existsSync(TARBALL), `${TARBALL} is there: ./scripts/package.sh packs it`);
  app = mkdtempSync(join(tmpdir(), 'poolscope-npm-'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'poolscope-user', private: true, type: 'module' }));
  // --offline: the tarball has no dependencies, nothing is downloaded.
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', TARBALL], { cwd: app, stdio: 'inherit' });
  // The site's icon (the test fails on any console error, a missing icon's 404 too).
  mkdirSync(join(app, 'public'));
  for (const folder of ['', 'public']) cpSync(join(app, 'node_modules', 'poolscope', 'favicon.svg'), join(app, folder, 'favicon.svg'));
  // (a) plain ES modules, no build: the page's script imports the package by
  // path (an import map would do too, but it is an inline script, which
  // the test server's CSP refuses, as strict docs sites do).
  writeFileSync(join(app, 'plain.html'), `<!doctype html><html lang="en"><head>${HEAD}
<script type="module" src="./plain.js"></script></head><body>${BODY}</body></html>`);
  writeFileSync(join(app, 'plain.js'), MAIN('./node_modules/poolscope/index.js'));
  writeFileSync(join(app, 'main.js'), MAIN('poolscope'));
  writeFileSync(join(app, 'tasks.js'), TASKS);
  // (b) Vite, importing by package name: workers as ES modules (npm/README.md says why).
  writeFileSync(join(app, 'index.html'), `<!doctype html><html lang="en"><head>${HEAD}
<script type="module" src="./main.js"></script></head><body>${BODY}</body></html>`);
  // assetsInlineLimit 0: Vite would inline the small tasks.js as a data: URL, which workers cannot load.
  // The dev server: optimizeDeps.exclude keeps the package's modules where
  // they are (pre-bundled, import.meta.url would point into Vite's cache),
  // and its headers make the page cross-origin isolated (ISOLATED=1).
  // No watcher, no HMR, no dependency discovery, a cache of each server's
  // own: the tests write files into the app's folder (the types test) and a
  // dev server that saw them, or found something to optimise, would reload
  // the page under the test ("Execution context was destroyed", seen in a
  // soak); what is tested is how it serves the package, not its reloads.
  writeFileSync(join(app, 'vite.config.js'), `const isolated = process.env.ISOLATED === '1';
export default {
  worker: { format: 'es' },
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { exclude: ['poolscope'], noDiscovery: true },
  cacheDir: isolated ? 'node_modules/.vite-isolated' : 'node_modules/.vite-plain',
  server: { hmr: false, watch: null, headers: isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {} },
  logLevel: 'warn',
};\n`);
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: app, stdio: 'inherit' });
  // (d) webpack 5 (pinned in tools/webpack): a production build, the package copied beside it.
  writeFileSync(join(app, 'webpack-main.js'), MAIN('webpack'));
  writeFileSync(join(app, 'webpack.config.mjs'), WEBPACK_CONFIG(WEBPACK_TOOLS));
  execFileSync(process.execPath, [join(WEBPACK_TOOLS, 'webpack-cli', 'bin', 'cli.js'), '--config', 'webpack.config.mjs', '--no-stats'], { cwd: app, stdio: 'inherit' });
  writeFileSync(join(app, 'dist-webpack', 'index.html'), `<!doctype html><html lang="en"><head>${HEAD}
<script src="./main.js"></script></head><body>${BODY}</body></html>`);
  writeFileSync(join(app, 'check.ts'), CHECK_TS);
  // The Vite build is served as its own site (base '/'), the plain page from the app folder.
  for (const [site, root] of [['plain', app], ['vite', join(app, 'dist')], ['webpack', join(app, 'dist-webpack')]]) {
    servers[`${site} isolated`] = await startServer({ root });
    servers[`${site} plain`] = await startServer({ root, isolated: false });
  }
  servers['vite-dev isolated'] = await startViteDev(app, true);
  servers['vite-dev plain'] = await startViteDev(app, false);
  browser = await launchChromium();
}, { timeout: 240_000 }); // installing, two builds and six servers: a step that hangs fails instead
after(async () => {
  await browser?.close();
  for (const server of Object.values(servers)) server.stop();
  if (app) rmSync(app, { recursive: true, force: true });
});

test("the package's types hold: tsc accepts their use and refuses a string for a pool size", () => {
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  // A config of the app's own, so that no tsconfig.json in a folder above it counts.
  // lib esnext: wasm-bindgen's types name Symbol.dispose.
  const config = (file) => JSON.stringify({
    compilerOptions: { noEmit: true, strict: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['esnext', 'dom'] },
    files: [file],
  });
  writeFileSync(join(app, 'tsconfig.json'), config('check.ts'));
  execFileSync(tsc, ['-p', 'tsconfig.json'], { cwd: app, stdio: 'inherit' });
  writeFileSync(join(app, 'check-wrong.ts'), CHECK_TS.replace('// @ts-expect-error: a pool size is a number\n', ''));
  writeFileSync(join(app, 'tsconfig.wrong.json'), config('check-wrong.ts'));
  assert.throws(() => execFileSync(tsc, ['-p', 'tsconfig.wrong.json'], { cwd: app, stdio: 'pipe' }),
    (error) => /TS2345/.test(String(error.stdout)), 'tsc refuses new Pool("2") with TS2345');
});

/// Each job of the batch once, on worker 1 or 2, completed.
function assertEachJobOnce({ first, fields, events }) {
  const [JOB, WORKER, OUTCOME] = ['job', 'worker', 'outcome'].map((name) => fields.indexOf(name));
  const seen = new Map();
  for (let at = 0; at < events.length; at += fields.length) {
    const job = events[at + JOB];
    assert.ok(!seen.has(job), `job ${job} reported twice`);
    assert.ok([1, 2].includes(events[at + WORKER]), `job ${job} on worker ${events[at + WORKER]}`);
    assert.equal(events[at + OUTCOME], 0, `job ${job} completed`);
    seen.set(job, events[at + WORKER]);
  }
  const jobs = [...seen.keys()].sort((a, b) => a - b);
  assert.deepEqual(jobs, Array.from({ length: JOBS }, (_, i) => first + i), 'every job of the batch, each once');
}

for (const [name, site, path] of [['a plain ES-module page', 'plain', '/plain.html'], ['a Vite production build', 'vite', '/'], ['Vite\'s dev server', 'vite-dev', '/'], ['a webpack 5 build', 'webpack', '/']]) {
  for (const [mode, headers] of [['shared', 'isolated'], ['fallback', 'plain']]) {
    test(`the installed package in ${name} runs a pool and the element (${mode} mode)`, async () => {
      const errors = [];
      const page = await openPage(browser.context, `${servers[`${site} ${headers}`].origin}${path}`, errors);
      await page.waitForFunction(() => typeof window.runPool === 'function', null, { timeout: 30_000 })
        .catch(() => assert.fail(`the app's module did not load in 30 s: ${errors.join('; ') || 'no error on the page'}`));
      const run = await Promise.race([
        page.evaluate((mode) => window.runPool(mode), mode),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`the pool did not finish ${JOBS} jobs in 30 s (${mode} mode): ${errors.join('; ') || 'no error'}`)), 30_000)),
      ]);
      assert.equal(run.mode, mode);
      assertEachJobOnce(run);
      assert.deepEqual([run.doubled, run.answer, run.refused], [[2, 4, 6], 42, 'RangeError: refused: no'], 'the app\'s own functions ran as jobs');
      const embed = page.locator('#embed');
      await embed.getByRole('button', { name: 'Run' }).click();
      await page.locator('#embed[data-state="done"]').waitFor({ timeout: 60_000 })
        .catch(async () => assert.fail(`the element did not finish: data-state=${await embed.getAttribute('data-state')}, errors: ${errors.join('; ')}`));
      assert.equal(await embed.getAttribute('data-mode'), mode);
      assert.equal(await embed.locator('[role="log"] li').count(), 6, 'a log line per job');
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
}
