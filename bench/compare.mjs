// @ts-check
// The compare view's figures, from the page itself: the same seeded job set
// run with each strategy at pool 2, for equal, heavy and increasing costs.
// Median of 3.
//
//   node bench/compare.mjs        (after ./scripts/build.sh)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { median } from './median.mjs';

const SETS = ['equal', 'heavy', 'increasing'];
const QUERY = 'pool=2&jobs=40&kind=cpu&cost=25&seed=7';
const REPEATS = 3;

const server = await startServer();
const browser = await launchChromium();
const page = await browser.context.newPage();
const results = [];
try {
  for (const dist of SETS) {
    const runs = [];
    for (let i = 0; i < REPEATS; i++) {
      await page.goto(`${server.origin}/?${QUERY}&dist=${dist}`);
      await page.getByRole('button', { name: 'Compare strategies' }).click();
      await page.locator('.compare[data-results="4"]').waitFor({ timeout: 120_000 });
      await page.locator('pool-playground[data-state="done"]').waitFor();
      runs.push(await page.evaluate(() => [...document.querySelector('pool-playground').shadowRoot.querySelectorAll('.compare-table tbody tr')].map((tr) => {
        const cells = [...tr.querySelectorAll('td')].map((td) => parseFloat(td.textContent));
        return { strategy: tr.getAttribute('data-strategy'), wallMs: cells[0], startupMs: cells[1], workers: cells[2], idlePercent: cells[3] };
      })));
    }
    for (const strategy of ['pool', 'partition', 'unbounded', 'rayon']) {
      const of = runs.map((run) => run.find((r) => r.strategy === strategy));
      results.push({
        dist, strategy,
        wallMs: median(of.map((r) => r.wallMs)),
        startupMs: median(of.map((r) => r.startupMs)),
        idlePercent: median(of.map((r) => r.idlePercent)),
      });
    }
    const pool = results.find((r) => r.dist === dist && r.strategy === 'pool').wallMs;
    for (const row of results.filter((r) => r.dist === dist)) row.vsPool = row.wallMs / pool;
  }
} finally {
  await browser.close();
  server.stop();
}
console.log(`${QUERY}, median of ${REPEATS}, Chromium headless`);
console.table(results.map((r) => ({ dist: r.dist, strategy: r.strategy, 'wall ms': r.wallMs, 'start-up ms': r.startupMs,
  'idle %': r.idlePercent, 'wall / pool': r.vsPool.toFixed(2) })));
writeFileSync(fileURLToPath(new URL('./compare-results.json', import.meta.url)), `${JSON.stringify(results, null, 2)}\n`);
