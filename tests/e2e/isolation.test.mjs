// The opt-in service worker (www/isolation.js, isolation-sw.js): a server
// that sends no isolation headers, as GitHub Pages, still gets a cross-origin
// isolated page and the shared-memory pool; a page without it does not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, startServer } from './harness.mjs';

let server;
before(async () => { server = await startServer({ isolated: false }); });
after(() => server?.stop());

/// A fresh browser profile each: a service worker outlives its page.
async function withBrowser(body) {
  const browser = await launchChromium();
  try {
    await body(browser.context);
  } finally {
    await browser.close();
  }
}

test('isolation.js makes a header-less page cross-origin isolated, and the pool runs in shared memory', () => withBrowser(async (context) => {
  const page = await context.newPage();
  await page.goto(`${server.origin}/isolation-example.html`);
  await page.waitForFunction(() => crossOriginIsolated, null, { timeout: 30_000 }).catch(async () => {
    assert.fail(`waited 30 s for the page to reload cross-origin isolated: ${JSON.stringify(await page.evaluate(async () => ({
      isolated: crossOriginIsolated, controlled: Boolean(navigator.serviceWorker.controller),
      did: await (await import('/isolation.js')).isolation,
    })))}`);
  });
  const embed = page.locator('worker-pool-playground');
  await embed.and(page.locator('[data-mode="shared"]')).waitFor({ timeout: 30_000 });
  await embed.getByRole('button', { name: 'Run' }).click();
  await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
  const lines = (await embed.locator('[role="log"] li').allTextContents()).map((line) => {
    const match = line.match(/^Job (\d+) is done by worker ([12])$/);
    assert.ok(match, line);
    return Number(match[1]);
  });
  assert.deepEqual(lines.sort((a, b) => a - b), [1, 2, 3, 4, 5, 6], 'each job once');
  assert.equal(await page.evaluate(async () => (await import('/isolation.js')).isolation), 'isolated');
  await page.close();
}));

test('without isolation.js the same server\'s pages stay in message-passing mode: the service worker is opt-in', () => withBrowser(async (context) => {
  const page = await context.newPage();
  await page.goto(`${server.origin}/docs-example.html`);
  const first = page.locator('worker-pool-playground').first();
  await first.and(page.locator('[data-mode="fallback"]')).waitFor({ timeout: 30_000 });
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller), null);
  await page.close();
}));
