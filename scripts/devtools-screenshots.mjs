// The README's two DevTools pictures, taken in Debian's Chromium with the
// DevTools front end Chromium itself serves (nothing downloaded):
//   book/src/images/devtools-lanes.png: a Performance recording of watch.html with
//     `showInDevTools(pool)`: the pool's lanes beside the page's own tracks;
//   book/src/images/devtools-trace.png: the same pool's exported trace
//     (`pool.exportTrace(true)`) opened with "Load trace…".
// Run after ./scripts/build.sh: `node scripts/devtools-screenshots.mjs`.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../tests/e2e/harness.mjs';

const PORT = Number(process.env.DEVTOOLS_PORT ?? 9333);
const DOCS = new URL('../book/src/images/', import.meta.url);
const DEADLINE_MS = 60_000;
// Where the Performance panel draws the "poolscope" group's header in a
// 1600×900 page (after "Network" and "Frames").
// With the sidebar closed: the groups' triangles at GROUP_X, the pool's
// lanes' (worker 3, 1, 2 as drawn; opened bottom first) at LANE_X.
const [GROUP_X, LANE_X] = [11, 22];
const [POOL_GROUP_Y, MAIN_Y] = [200, 221];
const LANE_YS = [255, 236, 218];
// A loaded trace's process, "poolscope (1)", the first group drawn.
const LOADED_GROUP_Y = 129;

const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', `--remote-debugging-port=${PORT}`],
});
const scratch = mkdtempSync(join(tmpdir(), 'poolscope-devtools-'));
try {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.origin}/watch.html`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: DEADLINE_MS });

  // DevTools for that page, as its own tab, on the Performance panel.
  const targets = await (await fetch(`http://127.0.0.1:${PORT}/json/list`)).json();
  const target = targets.find((candidate) => candidate.type === 'page' && candidate.url.endsWith('/watch.html'));
  const devtools = await context.newPage();
  await devtools.goto(`http://127.0.0.1:${PORT}/devtools/inspector.html?ws=127.0.0.1:${PORT}/devtools/page/${target.id}&panel=timeline`);
  const button = (name) => devtools.getByRole('button', { name, exact: true });
  await button('Toggle screencast').click({ timeout: DEADLINE_MS }); // the panel gets the whole width
  await button('Record').click();
  await devtools.waitForTimeout(300); // recording starts
  await page.evaluate(async () => {
    const { pool } = /** @type {any} */ (window).poolscopeWatchDemo;
    const { showInDevTools } = await import('/watch.js');
    const lanes = showInDevTools(pool);
    await pool.resize(3);
    pool.submit('cpu', 45, 20);
    await pool.done();
    lanes.stop();
  });
  await button('Stop').click();
  // Track headers are drawn on a canvas, not in the DOM: the pool's group
  // (third, after Network and Frames) is opened by a click where it is drawn.
  await devtools.getByRole('tab', { name: 'Summary' }).waitFor({ timeout: DEADLINE_MS });
  await devtools.waitForTimeout(1500);
  await devtools.getByRole('button', { name: 'Hide sidebar' }).first().dispatchEvent('click');
  await devtools.waitForTimeout(500);
  // Each click on a triangle, lower ones first so the ones above stay put:
  // the page's main thread closed, the pool's group opened, then each of its 3 lanes.
  for (const [x, y] of [[GROUP_X, MAIN_Y], [GROUP_X, POOL_GROUP_Y], ...LANE_YS.map((y) => [LANE_X, y])]) {
    await devtools.mouse.click(x, y);
    await devtools.waitForTimeout(400);
  }
  await devtools.waitForTimeout(1500); // the flame chart draws after its tracks change
  await devtools.screenshot({ path: new URL('devtools-lanes.png', DOCS).pathname });

  const trace = await page.evaluate(() => /** @type {any} */ (window).poolscopeWatchDemo.pool.exportTrace(true));
  const file = join(scratch, 'poolscope-trace.json');
  writeFileSync(file, trace);
  const chooser = devtools.waitForEvent('filechooser', { timeout: DEADLINE_MS });
  await button('Load trace…').click();
  await (await chooser).setFiles(file);
  await devtools.waitForTimeout(3000); // the loaded trace replaces the recording (drawn on a canvas)
  await devtools.mouse.click(GROUP_X, LOADED_GROUP_Y); // its one process, opened
  await devtools.waitForTimeout(1500);
  await devtools.screenshot({ path: new URL('devtools-trace.png', DOCS).pathname });
  console.log('wrote book/src/images/devtools-lanes.png and book/src/images/devtools-trace.png');
} finally {
  await browser.close();
  server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
