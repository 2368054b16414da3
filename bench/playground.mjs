// @ts-check
// How the page holds up while jobs run: the longest main-thread task
// (PerformanceObserver "longtask") and the frame rate, during runs with the
// timeline visible, each beside the same page idle in the same browser.
//
//   node bench/playground.mjs        (after ./scripts/build.sh)
//
// Prints a table and writes bench/playground-results.json.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { instrument, summarize } from './responsiveness.mjs';

const RUNS = [
  { name: '10,000 cpu jobs of 1 ms, pool 2', query: 'pool=2&jobs=10000&kind=cpu&cost=1' },
  { name: '10,000 sleep jobs of 2 ms, pool 8', query: 'pool=8&jobs=10000&kind=sleep&cost=2' },
  { name: '100,000 sleep jobs of 0.2 ms, pool 8', query: 'pool=8&jobs=100000&kind=sleep&cost=0.2' },
];
const REPEATS = 3;

async function measureRun(page, origin, query) {
  await page.goto(`${origin}/?${query}`);
  await page.locator('pool-playground[data-state="idle"]').waitFor();
  await page.locator('canvas.timeline').scrollIntoViewIfNeeded();
  return page.evaluate(() => window.__measure(async () => {
    const playground = document.querySelector('pool-playground');
    /** @type {HTMLElement} */ (playground.shadowRoot.querySelector('button[type="submit"]')).click();
    while (playground.dataset.state !== 'done') await new Promise((resolve) => setTimeout(resolve, 20));
  }));
}

async function measureIdle(page, origin, seconds) {
  await page.goto(`${origin}/`);
  await page.locator('pool-playground[data-state="idle"]').waitFor();
  return page.evaluate((ms) => window.__measure(() => new Promise((resolve) => setTimeout(resolve, ms))), seconds * 1000);
}


const server = await startServer();
const browser = await launchChromium();
await browser.context.addInitScript(instrument);
const page = await browser.context.newPage();
const results = [];
try {
  for (const run of RUNS) {
    const busy = [];
    const idle = [];
    for (let i = 0; i < REPEATS; i++) {
      const measured = await measureRun(page, server.origin, run.query);
      busy.push(measured);
      idle.push(await measureIdle(page, server.origin, Math.min(measured.seconds, 10)));
    }
    results.push(summarize(run.name, busy, idle));
  }
} finally {
  await browser.close();
  server.stop();
}

console.log(`median of ${REPEATS} runs each, Chromium headless, ${new Date().toISOString().slice(0, 10)}`);
console.table(results.map((r) => ({
  run: r.run,
  's': r.seconds.toFixed(2),
  'longest task ms': r.longestTaskMs.toFixed(0),
  'long tasks': r.longTasks,
  'fps': r.fps.toFixed(1),
  'idle fps': r.idleFps.toFixed(1),
  'fps / idle': r.fpsRatio.toFixed(2),
})));
writeFileSync(fileURLToPath(new URL('./playground-results.json', import.meta.url)), `${JSON.stringify(results, null, 2)}\n`);
