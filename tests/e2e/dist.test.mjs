// The drop-in folder (scripts/package.sh writes dist/poolscope/) as a docs
// site would host it: under /assets/poolscope/, used from a page at
// /docs/guide/, served from a folder that is not www/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, openPage, startServer } from './harness.mjs';

const DIST = fileURLToPath(new URL('../../dist/poolscope', import.meta.url));
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Guide</title>
<link rel="icon" href="../../assets/poolscope/favicon.svg">
<link rel="stylesheet" href="../../assets/poolscope/reserve.css">
<script type="module" src="../../assets/poolscope/poolscope.js"></script></head>
<body><main><h1>Guide</h1>
<worker-pool-playground id="jobs" pool="3" jobs="9" cost="20" layout="log"></worker-pool-playground>
<worker-pool-playground id="tiles" work="mandelbrot" size="512x384" tile="128" pool="2" layout="compact"></worker-pool-playground>
<iframe src="../../assets/poolscope/embed.html?pool=2&jobs=4&cost=20&layout=log&autorun=1" title="poolscope" width="600" height="600"></iframe>
</main></body></html>`;

let site;
let browser;
const servers = {};
before(async () => {
  assert.ok(existsSync(join(DIST, 'poolscope.js')), 'dist/poolscope/ is there: ./scripts/package.sh writes it');
  site = mkdtempSync(join(tmpdir(), 'poolscope-site-'));
  mkdirSync(join(site, 'docs', 'guide'), { recursive: true });
  writeFileSync(join(site, 'docs', 'guide', 'index.html'), PAGE);
  cpSync(DIST, join(site, 'assets', 'poolscope'), { recursive: true });
  servers.isolated = await startServer({ root: site });
  servers.plain = await startServer({ root: site, isolated: false });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  for (const server of Object.values(servers)) server.stop();
  if (site) rmSync(site, { recursive: true, force: true });
});

for (const [mode, server] of [['shared', 'isolated'], ['fallback', 'plain']]) {
  test(`the drop-in folder under /assets/poolscope/ runs embeds and the iframe on /docs/guide/ (${mode} mode)`, async () => {
    const errors = [];
    const page = await openPage(browser.context, `${servers[server].origin}/docs/guide/`, errors);
    for (const [id, lines] of [['jobs', 9], ['tiles', 12]]) {
      const embed = page.locator(`#${id}`);
      await embed.getByRole('button', { name: 'Run' }).click();
      await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
      assert.equal(await embed.getAttribute('data-mode'), mode);
      assert.equal(await embed.locator('[role="log"] li').count(), lines, `${id}: a line per job`);
    }
    assert.equal(await page.locator('#tiles .result-panel .check').getAttribute('data-check'), 'passed');
    const frame = page.frameLocator('iframe');
    await frame.locator('pool-playground[data-state="done"]').waitFor({ timeout: 60_000 });
    assert.equal(await frame.locator('[role="log"] li').count(), 4);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
