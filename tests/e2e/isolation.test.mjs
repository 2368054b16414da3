// The opt-in service worker (www/isolation.js, isolation-sw.js): on a server
// that sends no isolation headers, as GitHub Pages, a page with isolation.js
// reloads once under the service worker, is cross-origin isolated and runs
// the pool in shared memory; a page without it stays in message-passing mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertEachJobOnce, launchChromium, openPage, startServer } from './harness.mjs';

let server, isolatedServer;
before(async () => {
  server = await startServer({ isolated: false });
  isolatedServer = await startServer();
});
after(() => {
  server?.stop();
  isolatedServer?.stop();
});

/// A fresh browser profile for each test: a service worker outlives its page
/// (and closing the persistent context deletes its profile, and the worker).
async function withBrowser(body) {
  const browser = await launchChromium();
  try {
    await body(browser.context);
  } finally {
    await browser.close();
  }
}

/// What the page shows about its isolation; safe to call mid-reload.
async function isolationState(page) {
  try {
    return await page.evaluate(async () => {
      // isolation.js's own account, if the page has it (then the same module
      // instance; importing it on a page without it would register the worker).
      const isolationJs = document.querySelector('script[src="isolation.js"]') ? await Promise.race([
        import('/isolation.js').then((module) => module.isolation),
        new Promise((resolve) => setTimeout(() => resolve('(still pending after 1 s)'), 1_000)),
      ]) : '(not on the page)';
      return {
        url: location.href,
        isolated: crossOriginIsolated,
        isolationJs,
        controller: navigator.serviceWorker.controller?.scriptURL ?? null,
        registrations: (await navigator.serviceWorker.getRegistrations()).map((r) => (r.active ?? r.waiting ?? r.installing)?.scriptURL),
        reloadMark: sessionStorage.getItem('poolscope-isolation-reloaded'),
      };
    });
  } catch (error) {
    return `(could not ask the page: ${error.message})`;
  }
}

/// Waits for the page to be cross-origin isolated; at the deadline fails
/// naming what it waited for and what the page showed.
async function waitForIsolation(page, timeout = 30_000) {
  try {
    await page.waitForFunction(() => crossOriginIsolated === true, null, { timeout });
  } catch {
    assert.fail(`waited ${timeout} ms for the page to reload under isolation-sw.js and be cross-origin isolated, in vain: ${JSON.stringify(await isolationState(page))}`);
  }
}

test('isolation.js makes a header-less page cross-origin isolated with one reload, and the pool runs in shared memory', () => withBrowser(async (context) => {
  const errors = [];
  const page = await openPage(context, 'about:blank', errors);
  let loads = 0;
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) loads++; });
  // Not waiting for the load event: isolation.js may reload the page before it.
  await page.goto(`${server.origin}/isolation-example.html`, { waitUntil: 'commit' });
  await waitForIsolation(page);
  const state = await isolationState(page);
  assert.equal(state.controller, `${server.origin}/isolation-sw.js`, 'the service worker controls the page');
  assert.equal(state.isolationJs, 'isolated');
  assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation')[0].type), 'reload', 'isolated by a reload');

  const embed = page.locator('worker-pool-playground');
  await embed.and(page.locator('[data-mode="shared"]')).waitFor({ timeout: 30_000 })
    .catch(async () => assert.fail(`waited 30 s for data-mode="shared" in vain: data-mode=${await embed.getAttribute('data-mode')}`));
  await embed.getByRole('button', { name: 'Run' }).click();
  await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 })
    .catch(async () => assert.fail(`waited 60 s for the run to be done in vain: data-state=${await embed.getAttribute('data-state')}`));
  const lines = (await embed.locator('[role="log"] li').allTextContents()).map((line) => {
    const match = line.match(/^Job (\d+) is done by worker (\d+)$/);
    assert.ok(match, `log line in the article's words: ${JSON.stringify(line)}`);
    return { job: Number(match[1]), worker: Number(match[2]) };
  });
  assertEachJobOnce(lines, 6, 2);
  assert.match(await embed.locator('.mode-notice').textContent(), /Shared-memory mode/);
  assert.equal(loads, 2, 'the first load and one reload, no loop');
  assert.deepEqual(errors, [], 'no page errors, console errors or CSP violations');

  // Shift+Reload bypasses the service worker; that load reloads itself once
  // through it: the mark of the first reload, seconds old, does not stop it.
  await page.waitForFunction(() => Date.now() - Number(sessionStorage.getItem('poolscope-isolation-reloaded')) > 3_000, null, { timeout: 10_000 });
  loads = 0;
  await (await context.newCDPSession(page)).send('Page.reload', { ignoreCache: true });
  for (const deadline = Date.now() + 30_000; loads < 2;) {
    if (Date.now() > deadline) assert.fail(`waited 30 s after a Shift+Reload for a reload through the service worker in vain: ${loads} loads, ${JSON.stringify(await isolationState(page))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await waitForIsolation(page);
  await page.waitForTimeout(500);
  assert.equal(loads, 2, 'the Shift+Reload and one reload through the service worker, no more');
  assert.deepEqual(errors, []);
  await page.close();

  // The next visit comes through the service worker: isolated from its first load.
  const again = await openPage(context, `${server.origin}/isolation-example.html`, errors);
  assert.equal(await again.evaluate(() => crossOriginIsolated), true);
  assert.equal(await again.evaluate(() => performance.getEntriesByType('navigation')[0].type), 'navigate', 'no reload on a later visit');
  assert.equal(await again.evaluate(async () => (await import('/isolation.js')).isolation), 'isolated');
  assert.deepEqual(errors, []);
  await again.close();
}));

test('without isolation.js the same server\'s page stays in message-passing mode: the service worker is opt-in', () => withBrowser(async (context) => {
  const errors = [];
  const page = await openPage(context, `${server.origin}/docs-example.html`, errors);
  const first = page.locator('worker-pool-playground').first();
  await first.and(page.locator('[data-mode="fallback"]')).waitFor({ timeout: 30_000 })
    .catch(async () => assert.fail(`waited 30 s for data-mode="fallback" in vain: data-mode=${await first.getAttribute('data-mode')}`));
  const state = await isolationState(page);
  assert.equal(state.isolated, false);
  assert.equal(state.controller, null);
  assert.deepEqual(state.registrations, [], 'no service worker registered');
  assert.deepEqual(errors, []);
  await page.close();
}));

test('on a host that sends the headers itself, isolation.js does nothing', () => withBrowser(async (context) => {
  const errors = [];
  const page = await openPage(context, `${isolatedServer.origin}/isolation-example.html`, errors);
  const state = await isolationState(page);
  assert.equal(state.isolated, true);
  assert.equal(state.isolationJs, 'isolated');
  assert.deepEqual(state.registrations, [], 'no service worker registered');
  assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation')[0].type), 'navigate', 'no reload');
  assert.deepEqual(errors, []);
  await page.close();
}));

test('isolation.js?coep=credentialless isolates with COEP credentialless, and the worker then serves every page of its folder', () => withBrowser(async (context) => {
  const errors = [];
  // embed.html has no isolation.js of its own: import it with the option.
  const page = await openPage(context, `${server.origin}/embed.html`, errors);
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  await page.evaluate(() => { import('/isolation.js?coep=credentialless'); });
  await waitForIsolation(page);
  const state = await isolationState(page);
  assert.equal(state.controller, `${server.origin}/isolation-sw.js?coep=credentialless`);
  const headers = await page.evaluate(async () => Object.fromEntries((await fetch(location.href)).headers));
  assert.equal(headers['cross-origin-embedder-policy'], 'credentialless');
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(headers['cross-origin-resource-policy'], 'same-origin', "the host's CORP stays");
  assert.match(headers['content-security-policy'], /^default-src 'self'/, "the host's other headers stay");
  assert.deepEqual(errors, []);
  await page.close();
}));
