// @ts-check
// How www/mandelbrot.html holds up while thousands of tiles stream in: the
// longest main-thread task and the frame rate during a render of 6,144
// tiles (8 px, seahorse valley, 2 workers), beside the same page idle for
// as long, in the same browser session. Median of 3.
//
//   node bench/mandelbrot-page.mjs   (after ./scripts/build.sh)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';
import { instrument, summarize } from './responsiveness.mjs';

const REPEATS = 3;

async function open(page, origin) {
  await page.goto(`${origin}/mandelbrot.html`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
}

const server = await startServer();
const browser = await launchChromium();
await browser.context.addInitScript(instrument);
const page = await browser.context.newPage();
const busy = [];
const idle = [];
try {
  for (let i = 0; i < REPEATS; i++) {
    await open(page, server.origin);
    await page.selectOption('#view', 'seahorse');
    await page.selectOption('#tile', '8');
    await page.selectOption('#workers', '2');
    await page.locator('#picture').scrollIntoViewIfNeeded();
    const measured = await page.evaluate(() => window.__measure(async () => {
      /** @type {HTMLElement} */ (document.querySelector('#render')).click();
      while (document.body.dataset.state !== 'done') await new Promise((resolve) => setTimeout(resolve, 20));
    }));
    if (await page.getAttribute('#check', 'data-matches') !== 'true') throw new Error('the render did not match one thread');
    busy.push(measured);
    await open(page, server.origin);
    idle.push(await page.evaluate((ms) => window.__measure(() => new Promise((resolve) => setTimeout(resolve, ms))), measured.seconds * 1000));
  }
} finally {
  await browser.close();
  server.stop();
}
const row = summarize('6,144 tiles of 8 px, seahorse, 2 workers', busy, idle);
console.log(`median of ${REPEATS} runs, Chromium headless, ${new Date().toISOString().slice(0, 10)}`);
console.table([row]);
writeFileSync(fileURLToPath(new URL('./mandelbrot-page-results.json', import.meta.url)), `${JSON.stringify(row, null, 2)}\n`);
