// Embedding: the docs example page with and without cross-origin isolation,
// the iframe embed, the strict CSP, and hostile input.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { assertEachJobOnce, launchChromium, openPage, readLog, startServer, waitForState } from './harness.mjs';

let browser;
const servers = {};
before(async () => {
  browser = await launchChromium();
  servers.isolated = await startServer();
  servers.plain = await startServer({ isolated: false });
});
after(async () => {
  await browser?.close();
  for (const server of Object.values(servers)) server.stop();
});

const PRESETS = [{ jobs: 12, pool: 3 }, { jobs: 16, pool: 2 }, { jobs: 24, pool: 6 }];

async function runDocsExample(origin, mode) {
  const errors = [];
  const page = await openPage(browser.context, `${origin}/docs-example.html`, errors);
  const embeds = page.locator('worker-pool-playground');
  assert.equal(await embeds.count(), 5);
  // The third starts by itself once scrolled into view; the others on Run.
  for (let i = 0; i < 3; i++) {
    const embed = embeds.nth(i);
    await embed.scrollIntoViewIfNeeded();
    if (i < 2) await embed.getByRole('button', { name: 'Run' }).click();
    await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
    assert.equal(await embed.getAttribute('data-mode'), mode);
    // The log is there in every layout, if hidden in layout="timeline".
    const texts = await embed.locator('[role="log"] li').allTextContents();
    const lines = texts.map((line) => {
      const match = line.match(/^Job (\d+) is done by worker (\d+)$/);
      assert.ok(match, line);
      return { job: Number(match[1]), worker: Number(match[2]) };
    });
    assertEachJobOnce(lines, PRESETS[i].jobs, PRESETS[i].pool);
    const notice = await embed.locator('.mode-notice').textContent();
    assert.match(notice, mode === 'shared' ? /Shared-memory mode/ : /^Message-passing mode \(slower\)\. Why\? This page is not cross-origin isolated.*Cross-Origin-Opener-Policy/);
  }
  // The fourth runs its author's job (job-src="./hash-job.js", editable): 8 digests, each job once.
  const hashes = embeds.nth(3);
  await hashes.scrollIntoViewIfNeeded();
  await hashes.locator('.editor[data-loaded="true"]').waitFor({ timeout: 30_000 });
  await hashes.getByRole('button', { name: 'Run', exact: true }).click();
  await hashes.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
  assert.equal(await hashes.getAttribute('data-mode'), mode);
  const digests = (await hashes.locator('[role="log"] li').allTextContents()).map((line) => {
    const match = line.match(/^Job (\d+) is done by worker (\d+): "[0-9a-f]{8}"$/);
    assert.ok(match, line);
    return { job: Number(match[1]), worker: Number(match[2]) };
  });
  assertEachJobOnce(digests, 8, 3);
  // The fifth draws image tiles: 8 x 6 of them, each once, the picture checked against one thread.
  const tiles = embeds.nth(4);
  await tiles.scrollIntoViewIfNeeded();
  await tiles.getByRole('button', { name: 'Run' }).click();
  await tiles.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
  assert.equal(await tiles.getAttribute('data-mode'), mode);
  const check = tiles.locator('.result-panel .check');
  assert.equal(await check.getAttribute('data-check'), 'passed', await check.textContent());
  const lines = await tiles.locator('[role="log"] li').allTextContents();
  assert.equal(new Set(lines.map((line) => line.match(/^Job \d+ \((tile \d+,\d+)\) is done by worker [12]$/)?.[1])).size, 48, lines.join('\n'));
  assert.deepEqual(errors, [], 'no page errors, console errors or CSP violations');
  await page.close();
}

test('the docs example runs its five embeds in shared-memory mode where the page is isolated', async () => {
  await runDocsExample(servers.isolated.origin, 'shared');
});

test('without COOP/COEP the same five embeds run in message-passing mode, each job once', async () => {
  await runDocsExample(servers.plain.origin, 'fallback');
});

test('without COOP/COEP the playground runs /?pool=2&jobs=10&autorun=1 in message-passing mode', async () => {
  const errors = [];
  const page = await openPage(browser.context, `${servers.plain.origin}/?pool=2&jobs=10&autorun=1`, errors);
  await waitForState(page, 'done');
  assert.equal(await page.locator('pool-playground').getAttribute('data-mode'), 'fallback');
  assertEachJobOnce(await readLog(page), 10, 2);
  assert.match(await page.locator('.mode-notice').innerText(), /Message-passing mode/);
  assert.match(await page.locator('.capabilities').innerText(), /Cross-origin isolated: no/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the iframe embed runs from its URL, and the served pages carry the strict CSP', async () => {
  const errors = [];
  const response = await fetch(`${servers.isolated.origin}/embed.html`);
  assert.equal(response.headers.get('content-security-policy'),
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'");
  const page = await openPage(browser.context, `${servers.isolated.origin}/embed.html?pool=2&jobs=8&cost=50&layout=log&autorun=1`, errors);
  await waitForState(page, 'done');
  assertEachJobOnce(await readLog(page), 8, 2);
  assert.equal(await page.locator('pool-playground').getAttribute('layout'), 'log');
  assert.equal(await page.locator('.timeline-panel').isVisible(), false, 'layout=log shows the log only');
  assert.deepEqual(errors, [], 'no CSP violation');
  await page.close();
});

test('a hostile attribute or parameter is rejected with a message and runs nothing', async () => {
  const hostile = '<img src=x onerror=alert(1)>';
  const errors = [];
  const page = await openPage(browser.context, `${servers.isolated.origin}/embed.html?pool=${encodeURIComponent(hostile)}&autorun=1`, errors);
  let dialogs = 0;
  page.on('dialog', async (dialog) => { dialogs++; await dialog.dismiss(); });
  await page.locator('.problems').getByText('pool="<img src=x onerror=alert(1)>" is not allowed').waitFor();
  await page.waitForTimeout(500);
  assert.equal(await page.locator('pool-playground').getAttribute('data-state'), 'idle', 'autorun did not run');

  await page.evaluate((value) => {
    const embed = document.createElement('worker-pool-playground');
    embed.setAttribute('pool', value);
    embed.setAttribute('jobs', value);
    embed.setAttribute('layout', value);
    embed.setAttribute('autorun', '');
    document.body.append(embed);
  }, hostile);
  const embed = page.locator('worker-pool-playground');
  await embed.locator('.problems').getByText('jobs="<img src=x onerror=alert(1)>" is not allowed').waitFor();
  await page.waitForTimeout(500);
  assert.equal(await embed.getAttribute('data-state'), 'idle');
  assert.equal(await page.locator('img').count(), 0, 'nothing was parsed as HTML');
  assert.equal(dialogs, 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the iframe embed tells its parent its height, and names a bad layout instead of replacing it in silence', async () => {
  const { origin } = servers.isolated;
  const page = await browser.context.newPage();
  // A parent page with the README's snippet, on the same origin (a route: no file in www/).
  await page.route(`${origin}/parent.html`, (route) => route.fulfill({
    contentType: 'text/html',
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    body: `<!doctype html><title>parent</title><iframe src="/embed.html?pool=2&jobs=4&cost=20&layout=bogus" height="100" title="poolscope"></iframe>
      <script>addEventListener('message', ({ data, source }) => {
        if (data?.type !== 'poolscope-height') return;
        for (const frame of document.querySelectorAll('iframe')) if (frame.contentWindow === source) frame.style.height = data.height + 'px';
      });</script>`,
  }));
  await page.goto(`${origin}/parent.html`);
  const frame = page.frameLocator('iframe');
  await frame.locator('pool-playground[data-state="idle"]').waitFor({ timeout: 60_000 });
  assert.match(await frame.locator('.problems').innerText(), /layout="bogus" is not allowed: layout must be one of log, timeline, compact, full\. Showing compact\./);
  assert.equal(await frame.locator('pool-playground').getAttribute('layout'), 'bogus', 'the attribute stays as given');
  await page.waitForFunction(() => {
    const iframe = document.querySelector('iframe');
    return iframe.clientHeight > 100 && Math.abs(iframe.clientHeight - iframe.contentDocument.documentElement.getBoundingClientRect().height) <= 1;
  }, null, { timeout: 30_000 }).catch(async () => assert.fail(`waited 30 s for the iframe to fit its content: ${await page.evaluate(() => {
    const iframe = document.querySelector('iframe');
    return `iframe ${iframe.clientHeight} px, content ${iframe.contentDocument.documentElement.getBoundingClientRect().height} px`;
  })}`));
  await page.close();
});
