// An embed on a docs page with aggressive global styles (issue #13): the
// element changes nothing of the page's look, the page's styles change
// nothing of the element's, and theme="auto" follows the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openPage, useBrowser } from './harness.mjs';

const session = useBrowser(before, after);
const FIXTURE = readFileSync(new URL('./fixtures/hostile-docs.html', import.meta.url), 'utf8');
const DEADLINE_MS = 60_000;

/// Opens the fixture with `<html class=theme>`, served from the same origin
/// as poolscope, cross-origin isolated like the other pages.
async function openHostile(theme) {
  const page = await session.context.newPage();
  await page.route(`${session.origin}/hostile-docs.html`, (route) => route.fulfill({
    contentType: 'text/html',
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    body: FIXTURE.replace('class="THEME"', `class="${theme}"`),
  }));
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${session.origin}/hostile-docs.html`);
  await page.waitForFunction(() => customElements.get('worker-pool-playground'), null, { timeout: DEADLINE_MS });
  return { page, errors };
}

/// The computed styles of the host page's own elements that an embed could change.
const hostStyles = (page) => page.evaluate(() => {
  const props = ['font-family', 'font-size', 'color', 'background-color', 'display', 'margin-top', 'padding-left',
    'letter-spacing', 'text-transform', 'line-height', 'border-bottom-width', 'color-scheme', 'box-sizing', 'list-style-type'];
  const nodes = { html: document.documentElement, body: document.body };
  for (const id of ['title', 'before', 'after', 'host-button', 'host-table', 'host-pre', 'host-list', 'host-heading']) nodes[id] = document.getElementById(id);
  return Object.fromEntries(Object.entries(nodes).map(([name, node]) => {
    const style = getComputedStyle(node);
    return [name, Object.fromEntries(props.map((prop) => [prop, style.getPropertyValue(prop)]))];
  }));
});

/// The element's key parts as they look inside its shadow root.
const elementStyles = (page) => page.evaluate(() => {
  const embed = document.querySelector('worker-pool-playground');
  const part = (selector) => getComputedStyle(embed.shadowRoot.querySelector(selector));
  const [root, run, log, timeline, table, select, panel] = ['.ps', 'button.primary', '[role="log"]', 'canvas.timeline', '.workers table', 'select', '.panel'].map(part);
  return {
    theme: embed.dataset.theme,
    rootFont: root.fontFamily, rootSize: root.fontSize, rootSpacing: root.letterSpacing, rootTransform: root.textTransform,
    runDisplay: run.display, runBackground: run.backgroundColor, runRadius: run.borderRadius, runCursor: run.cursor,
    logDisplay: log.display, logFont: log.fontFamily, timelineDisplay: timeline.display, tableDisplay: table.display,
    selectDisplay: select.display, selectBorder: select.borderTopStyle, panelBackground: panel.backgroundColor,
  };
});

for (const theme of ['light', 'dark']) {
  test(`on a ${theme} docs page with hostile global CSS, the embed changes nothing of the page and keeps its own look`, async () => {
    const { page, errors } = await openHostile(theme);
    const without = await hostStyles(page);
    await page.evaluate(() => {
      const embed = document.createElement('worker-pool-playground');
      for (const [name, value] of Object.entries({ pool: '2', jobs: '6', cost: '30', layout: 'full' })) embed.setAttribute(name, value);
      document.getElementById('slot').append(embed);
    });
    const embed = page.locator('worker-pool-playground');
    await embed.and(page.locator('[data-state="idle"]')).waitFor({ timeout: DEADLINE_MS });
    assert.deepEqual(await hostStyles(page), without, 'the page\'s own elements look the same with the embed');

    const look = await elementStyles(page);
    assert.equal(look.theme, theme, 'theme="auto" (the default) follows the page');
    assert.match(look.rootFont, /system-ui/);
    assert.deepEqual([look.rootSize, look.rootSpacing, look.rootTransform], ['16px', 'normal', 'none'], 'the page\'s `*` rule does not reach in');
    assert.deepEqual([look.runDisplay, look.runRadius, look.runCursor], ['block', '6px', 'pointer'], '`button { all: unset }` does not reach in');
    assert.equal(look.runBackground, theme === 'light' ? 'rgb(36, 87, 197)' : 'rgb(122, 162, 255)', 'the accent is poolscope\'s, not the page\'s --accent');
    assert.equal(look.panelBackground, theme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(28, 31, 38)');
    assert.deepEqual([look.logDisplay, look.timelineDisplay, look.tableDisplay, look.selectDisplay, look.selectBorder],
      ['block', 'block', 'table', 'block', 'solid'], 'the page\'s rules for log, canvas, table and select do not reach in');
    assert.match(look.logFont, /monospace/);

    await embed.getByRole('button', { name: 'Run' }).click();
    await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: DEADLINE_MS });
    assert.equal(await embed.locator('[role="log"] li').count(), 6);
    assert.deepEqual(await hostStyles(page), without, 'and the same after a run');

    // The page switches themes (a class on <html>, as mdBook does): the embed follows.
    const other = theme === 'light' ? 'dark' : 'light';
    await page.evaluate((other) => { document.documentElement.className = other; }, other);
    await page.waitForFunction((other) => document.querySelector('worker-pool-playground').dataset.theme === other, other, { timeout: DEADLINE_MS });
    // theme="light" or "dark" holds whatever the page does.
    await page.evaluate((theme) => document.querySelector('worker-pool-playground').setAttribute('theme', theme), theme);
    assert.equal(await embed.getAttribute('data-theme'), theme);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
