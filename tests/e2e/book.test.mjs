// The book (www/book/, built by scripts/book.sh): every live playground it
// embeds runs, each job once, in shared-memory mode where the site is
// isolated and in message-passing mode where it is not; and the element
// changes nothing of mdBook's own look, in each of its five themes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertEachJobOnce, launchChromium, openPage, startServer } from './harness.mjs';

const BOOK = fileURLToPath(new URL('../../www/book/', import.meta.url));
const DEADLINE_MS = 60_000;
const THEMES = ['light', 'rust', 'coal', 'navy', 'ayu'];

/// The book's pages with embeds, and each embed's attributes, read from the built HTML.
function embedsInBook() {
  assert.ok(existsSync(BOOK), 'www/book/ is missing: ./scripts/build.sh builds the book');
  return readdirSync(BOOK).filter((name) => name.endsWith('.html') && !['print.html', 'toc.html', '404.html'].includes(name))
    .map((name) => ({ name, count: (readFileSync(`${BOOK}${name}`, 'utf8').match(/<worker-pool-playground[\s>]/g) ?? []).length }))
    .filter(({ count }) => count > 0);
}

let browser;
const servers = {};
before(async () => {
  browser = await launchChromium();
  servers.shared = await startServer();
  servers.fallback = await startServer({ isolated: false });
});
after(async () => {
  await browser?.close();
  for (const server of Object.values(servers)) server.stop();
});

for (const mode of ['shared', 'fallback']) {
  test(`every playground in the book runs, each job once (${mode} mode)`, async () => {
    const pages = embedsInBook();
    assert.ok(pages.length >= 3, `the book embeds playgrounds in at least 3 chapters: ${JSON.stringify(pages)}`);
    for (const { name, count } of pages) {
      const errors = [];
      const page = await openPage(browser.context, `${servers[mode].origin}/book/${name}`, errors);
      const embeds = page.locator('worker-pool-playground');
      assert.equal(await embeds.count(), count, name);
      for (let i = 0; i < count; i++) {
        const embed = embeds.nth(i);
        await embed.scrollIntoViewIfNeeded();
        if (await embed.getAttribute('work') === 'code') {
          await embed.locator('.editor[data-loaded="true"]').waitFor({ timeout: DEADLINE_MS });
        }
        await embed.getByRole('button', { name: 'Run', exact: true }).click();
        try {
          await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: DEADLINE_MS });
        } catch {
          assert.fail(`${name}, embed ${i + 1}: waited ${DEADLINE_MS} ms for it to be done: state ${await embed.getAttribute('data-state')}, ` +
            `status "${await embed.locator('.status').textContent()}", problems "${await embed.locator('.problems').textContent()}"`);
        }
        assert.equal(await embed.getAttribute('data-mode'), mode, `${name}, embed ${i + 1}`);
        const jobs = Number(await embed.getAttribute('jobs'));
        const pool = Number(await embed.getAttribute('pool'));
        const lines = (await embed.locator('[role="log"] li').allTextContents()).map((line) => {
          const match = line.match(/^Job (\d+)(?: \([^)]*\))? is done by worker (\d+)(?:: .*)?$/);
          assert.ok(match, `${name}, embed ${i + 1}: a log line in the article's words: ${line}`);
          return { job: Number(match[1]), worker: Number(match[2]) };
        });
        assertEachJobOnce(lines, jobs, pool);
      }
      assert.deepEqual(errors, [], `${name}: no page errors, console errors or CSP violations`);
      await page.close();
    }
  });
}

/// The computed styles of mdBook's own parts that a stylesheet leaking
/// out of the element would change.
function mdBookLook() {
  const parts = {
    html: document.documentElement, body: document.body, sidebar: document.querySelector('.sidebar'),
    menu: document.querySelector('#menu-bar'), content: document.querySelector('.content main'),
    title: document.querySelector('.content main h1'), paragraph: document.querySelector('.content main p'),
    link: document.querySelector('.content main a'), code: document.querySelector('.content main code'),
    chapter: document.querySelector('.sidebar .chapter li a'),
  };
  const properties = ['color', 'background-color', 'font-family', 'font-size', 'line-height', 'margin', 'padding', 'width', 'border'];
  return Object.fromEntries(Object.entries(parts).map(([name, node]) => {
    if (!node) return [name, null];
    const style = getComputedStyle(node);
    return [name, Object.fromEntries(properties.map((property) => [property, style.getPropertyValue(property)]))];
  }));
}

test('the element leaves mdBook\'s look as it was, in each of its five themes', async () => {
  const [{ name }] = embedsInBook();
  const context = browser.context;
  for (const theme of THEMES) {
    const looks = {};
    for (const withElement of [false, true]) {
      const page = await context.newPage();
      await page.addInitScript((theme) => localStorage.setItem('mdbook-theme', JSON.stringify(theme)), theme);
      // Without: the element's script never loads (its request fails), so the tags stay unknown elements.
      if (!withElement) await page.route('**/poolscope.js', (route) => route.abort());
      await page.goto(`${servers.shared.origin}/book/${name}`);
      await page.waitForFunction((theme) => document.documentElement.classList.contains(theme), theme, { timeout: DEADLINE_MS });
      if (withElement) {
        await page.locator('worker-pool-playground').first().locator('.status').waitFor({ state: 'attached', timeout: DEADLINE_MS });
      }
      looks[withElement ? 'with' : 'without'] = await page.evaluate(mdBookLook);
      await page.close();
    }
    assert.ok(looks.without.sidebar && looks.without.paragraph, `mdBook's parts found (${theme})`);
    // The element's own box may change the content's height, never these styles.
    assert.deepEqual(looks.with, looks.without, `mdBook's styles in the ${theme} theme, with the element and without`);
  }
});
