// Accessibility and layout stability of the pages and embeds (issue #13):
// axe-core (pinned in package.json) finds no violation on the playground,
// the walkthrough, the docs example and the iframe embed, in light and dark,
// before and after a run; and the docs example and the walkthrough keep
// their text still while embeds load and run (layout shift at most 0.05).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { openPage, useBrowser } from './harness.mjs';

const session = useBrowser(before, after);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DEADLINE_MS = 60_000;

/// Runs every embed on the page that has not run yet, one after another.
async function runEveryEmbed(page) {
  for (const embed of await page.locator('pool-playground, worker-pool-playground').all()) {
    await embed.scrollIntoViewIfNeeded();
    if (await embed.getAttribute('data-state') === 'idle') await embed.getByRole('button', { name: 'Run' }).click();
    await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: DEADLINE_MS });
  }
}

/// axe-core's violations on the page (shadow roots included), as readable lines.
async function violations(page) {
  // Evaluated, not added as a <script>: the pages' CSP allows no inline script.
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' > ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`).join(' | ')}`));
  return found;
}

const PAGES = ['index.html?pool=2&jobs=6&cost=30', 'index.html?work=code&pool=2&jobs=2', 'article.html', 'docs-example.html', 'embed.html?pool=2&jobs=6&cost=30&layout=log'];

for (const scheme of ['light', 'dark']) {
  test(`axe-core finds no violation on the pages and embeds, ${scheme}, before and after a run`, async () => {
    for (const path of PAGES) {
      const page = await openPage(session.context, `${session.origin}/${path}`);
      await page.emulateMedia({ colorScheme: scheme });
      await page.locator('pool-playground, worker-pool-playground').first().and(page.locator('[data-state]')).waitFor({ timeout: DEADLINE_MS });
      if (path.includes('work=code')) await page.locator('pool-playground .editor[data-loaded="true"]').waitFor({ timeout: DEADLINE_MS });
      assert.deepEqual(await violations(page), [], `${path}, ${scheme}, before a run`);
      await runEveryEmbed(page);
      assert.deepEqual(await violations(page), [], `${path}, ${scheme}, after a run`);
      await page.close();
    }
  });
}

for (const path of ['docs-example.html', 'article.html']) {
  test(`${path}: the text stays put while the embeds load and run (layout shift at most 0.05)`, async () => {
    const page = await session.context.newPage();
    await page.addInitScript(() => {
      window.shifts = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.shifts.push(entry.value);
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(`${session.origin}/${path}`);
    await runEveryEmbed(page);
    const shifts = await page.evaluate(() => window.shifts);
    const total = shifts.reduce((sum, value) => sum + value, 0);
    assert.ok(total <= 0.05, `cumulative layout shift ${total.toFixed(3)} (shifts: ${shifts.map((v) => v.toFixed(3))})`);
    await page.close();
  });
}

test('the timeline\'s bars can be inspected by keyboard and pointer, and a hidden table holds the same jobs', async () => {
  const page = await openPage(session.context, `${session.origin}/?pool=2&jobs=6&kind=sleep&cost=150&autorun=1`);
  const playground = page.locator('pool-playground');
  await playground.and(page.locator('[data-state="done"]')).waitFor({ timeout: DEADLINE_MS });
  const details = playground.locator('.bar-details');
  await playground.locator('canvas.timeline').focus();
  await page.keyboard.press('End');
  const last = await details.textContent();
  assert.match(last, /^Job \d+ on worker [12]: queued at \d+ ms, started at \d+ ms, finished at \d+ ms \(\d+ ms\), completed$/);
  await page.keyboard.press('ArrowLeft');
  assert.notEqual(await details.textContent(), last, 'the arrow moves to another job');
  // A pointer on worker 1's lane, in the middle of the run, lands on one of its bars.
  const box = await playground.locator('canvas.timeline').boundingBox();
  await page.mouse.move(box.x + 84 + (box.width - 92) / 2, box.y + 18 + 13);
  assert.match(await details.textContent(), /^Job \d+ on worker 1: /);
  const rows = await playground.locator('.visually-hidden table tbody tr').allTextContents();
  assert.equal(rows.length, 6, 'a row per job');
  await page.close();
});

test('the code panel\'s editor: Tab indents in it, and Esc then Tab leaves it for the next control', async () => {
  const page = await openPage(session.context, `${session.origin}/?work=code&pool=2&jobs=2`);
  const playground = page.locator('pool-playground');
  await playground.locator('.editor[data-loaded="true"]').waitFor({ timeout: DEADLINE_MS });
  await playground.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.press('Tab');
  assert.match(await playground.locator('.cm-line').first().innerText(), /^\s+\/\/ The Go article/, 'Tab indented the first line');
  const focused = () => playground.evaluate((element) => element.shadowRoot.activeElement?.className ?? '');
  assert.match(await focused(), /cm-content/, 'still in the editor');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.doesNotMatch(await focused(), /cm-content/, 'Esc then Tab moved focus out of the editor');
  await page.close();
});
