// A docs framework's page: a VitePress site (pinned in tools/vitepress/)
// with the npm tarball installed and the element on its page, as a docs
// author sets it up (the book's Getting started, "Bundlers"). Its
// production build, served as static files, and its dev server each run
// the element in both modes, each job once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertEachJobOnce, launchChromium, openPage, startDevServer, startServer } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"$/m)[1];
const TARBALL = join(ROOT, 'dist', 'npm', `poolscope-${VERSION}.tgz`);
const TOOLS = join(ROOT, 'tools', 'vitepress', 'node_modules');
const VITEPRESS = join(TOOLS, 'vitepress', 'bin', 'vitepress.js');
const JOBS = 6;

// What a docs author writes: the element known to Vue as a custom element,
// loaded in the browser only (not while VitePress renders pages on the
// server), and Vite told what the pool needs.
const CONFIG = `const isolated = process.env.ISOLATED === '1';
// The dev server's own pages do not get Vite's server.headers: a middleware adds them to every response.
const isolation = {
  name: 'cross-origin-isolation',
  configureServer(server) {
    server.middlewares.use((request, response, next) => {
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      next();
    });
  },
};
export default {
  title: 'A docs site',
  head: [['link', { rel: 'icon', href: '/favicon.svg' }]],
  vue: { template: { compilerOptions: { isCustomElement: (tag) => tag === 'worker-pool-playground' } } },
  vite: {
    worker: { format: 'es' },
    build: { target: 'es2022', assetsInlineLimit: 0 }, // the element's module awaits at its top level
    optimizeDeps: { exclude: ['poolscope'] },
    plugins: isolated ? [isolation] : [],
  },
};
`;
const THEME = `import DefaultTheme from 'vitepress/theme';
export default {
  extends: DefaultTheme,
  enhanceApp() {
    if (!import.meta.env.SSR) import('poolscope/element');
  },
};
`;
const PAGE = `# Worker pools

A pool of two workers takes ${JOBS} jobs from one queue:

<worker-pool-playground id="embed" pool="2" jobs="${JOBS}" cost="10" layout="log"></worker-pool-playground>
`;

/// VitePress's dev server on `site`; ISOLATED=1 makes its config send COOP/COEP.
const startVitePressDev = (site, isolated) => startDevServer({
  name: "VitePress's dev server", args: [VITEPRESS, 'dev', 'docs'], cwd: site, env: { ISOLATED: isolated ? '1' : '0' },
});

let site;
let browser;
const servers = {};
before(async () => {
  assert.ok(existsSync(TARBALL), `${TARBALL} is there: ./scripts/package.sh packs it`);
  assert.ok(existsSync(VITEPRESS), `${VITEPRESS} is there: ./scripts/setup.sh installs it (tools/vitepress)`);
  site = mkdtempSync(join(tmpdir(), 'poolscope-vitepress-'));
  writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'docs-site', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', TARBALL], { cwd: site, stdio: 'inherit' });
  // VitePress and Vue from the pinned install, where the site's modules find them.
  for (const name of ['vitepress', 'vue']) symlinkSync(join(TOOLS, name), join(site, 'node_modules', name), 'dir');
  mkdirSync(join(site, 'docs', '.vitepress', 'theme'), { recursive: true });
  writeFileSync(join(site, 'docs', '.vitepress', 'config.mjs'), CONFIG);
  writeFileSync(join(site, 'docs', '.vitepress', 'theme', 'index.mjs'), THEME);
  writeFileSync(join(site, 'docs', 'index.md'), PAGE);
  // The site's icon (the test fails on any console error, a missing icon's 404 too; the
  // dev server's page asks for /favicon.ico before its head says where the icon is).
  mkdirSync(join(site, 'docs', 'public'));
  for (const name of ['favicon.svg', 'favicon.ico']) cpSync(join(site, 'node_modules', 'poolscope', 'favicon.svg'), join(site, 'docs', 'public', name));
  execFileSync(process.execPath, [VITEPRESS, 'build', 'docs'], { cwd: site, stdio: ['ignore', 'ignore', 'inherit'] });
  const built = join(site, 'docs', '.vitepress', 'dist');
  // The build as a docs host serves it (its pages have inline scripts: a docs host's policy).
  servers['build isolated'] = await startServer({ root: built, docsPolicy: true });
  servers['build plain'] = await startServer({ root: built, isolated: false, docsPolicy: true });
  servers['dev isolated'] = await startVitePressDev(site, true);
  servers['dev plain'] = await startVitePressDev(site, false);
  browser = await launchChromium();
}, { timeout: 240_000 });
after(async () => {
  await browser?.close();
  for (const server of Object.values(servers)) server.stop();
  if (site) rmSync(site, { recursive: true, force: true });
});

for (const [name, kind] of [['its production build', 'build'], ['its dev server', 'dev']]) {
  for (const [mode, headers] of [['shared', 'isolated'], ['fallback', 'plain']]) {
    test(`a VitePress page runs the element: ${name} (${mode} mode)`, async () => {
      const errors = [];
      const page = await openPage(browser.context, `${servers[`${kind} ${headers}`].origin}/`, errors);
      const embed = page.locator('#embed');
      await embed.getByRole('button', { name: 'Run', exact: true }).click({ timeout: 30_000 })
        .catch(() => assert.fail(`the element did not appear with its Run button in 30 s: ${errors.join('; ') || 'no error on the page'}`));
      await page.locator('#embed[data-state="done"]').waitFor({ timeout: 60_000 })
        .catch(async () => assert.fail(`the element did not finish: data-state=${await embed.getAttribute('data-state')}, errors: ${errors.join('; ')}`));
      assert.equal(await embed.getAttribute('data-mode'), mode);
      const lines = (await embed.locator('[role="log"] li').allTextContents()).map((line) => {
        const match = line.match(/^Job (\d+) is done by worker (\d+)$/);
        assert.ok(match, `a log line in the article's words: ${line}`);
        return { job: Number(match[1]), worker: Number(match[2]) };
      });
      assertEachJobOnce(lines, JOBS, 2);
      assert.deepEqual(errors, [], 'no page errors, console errors or CSP violations');
      await page.close();
    });
  }
}
