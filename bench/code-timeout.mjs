// @ts-check
// How long the page's main thread is busy at a stretch while the code
// panel's never-ending example is timed out (issue: no task over 50 ms):
// the playground with work=code runs `for (;;) {}` as 4 jobs on 2 workers
// with a 300 ms timeout, in headless Chromium, and the Long Tasks API
// reports every main-thread task of 50 ms or more from Run to the end.
// REPEATS runs (default 5); prints each run's long tasks and the longest.
//
//   node bench/code-timeout.mjs        (after ./scripts/build.sh)
import { launchChromium, startServer } from '../tests/e2e/harness.mjs';

const REPEATS = Number(process.env.REPEATS ?? 5);
const server = await startServer();
const browser = await launchChromium();
try {
  const longest = [];
  for (let run = 1; run <= REPEATS; run++) {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/?work=code&pool=2&jobs=4&timeout=300`);
    const playground = page.locator('pool-playground');
    await playground.locator('.editor[data-loaded="true"]').waitFor();
    await playground.evaluate((element) => {
      const menu = /** @type {HTMLSelectElement} */ (element.shadowRoot?.querySelector('select[name="example"]'));
      menu.value = 'forever';
      menu.dispatchEvent(new Event('change'));
      const w = /** @type {any} */ (window);
      w.longTasks = [];
      new PerformanceObserver((list) => { for (const entry of list.getEntries()) w.longTasks.push(Math.round(entry.duration)); }).observe({ type: 'longtask' });
    });
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('pool-playground[data-state="done"]').waitFor({ timeout: 60_000 });
    const tasks = await page.evaluate(() => /** @type {any} */ (window).longTasks);
    const timedOut = await playground.evaluate((element) => /** @type {any} */ (element).run.pool.counters().timedOut);
    console.log(`run ${run}: ${timedOut} jobs timed out; main-thread tasks of 50 ms or more: ${tasks.length ? tasks.join(', ') + ' ms' : 'none'}`);
    longest.push(Math.max(0, ...tasks));
    await page.close();
  }
  console.log(`longest main-thread task over ${REPEATS} runs: ${Math.max(...longest) || 'none of 50 ms or more'}${Math.max(...longest) ? ' ms' : ''}`);
} finally {
  await browser.close();
  server.stop();
}
