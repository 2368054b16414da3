// The playground's real workloads in Firefox (geckodriver, headless): work=
// mandelbrot and work=primes in shared-memory mode and, on a page without
// cross-origin isolation, in the message-passing fallback; each result
// checked against one thread, the legend naming exactly the log's workers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../e2e/harness.mjs';
import { WebDriverSession } from '../e2e/webdriver.mjs';

const servers = {};
let browser;
before(async () => {
  servers.isolated = await startServer();
  servers.plain = await startServer({ isolated: false });
  browser = await WebDriverSession.start('firefox');
});
after(async () => {
  await browser?.close();
  for (const server of Object.values(servers)) server.stop();
});

/// Opens the playground at `query`, waits for its run to end, and returns
/// what it showed: mode, check, the run's parts and workers, the legend's.
async function runPlayground(origin, query) {
  await browser.navigate(`${origin}/?${query}&autorun=1`);
  await browser.waitFor(`the run of ${query} to end`, () => ['done', 'error'].includes(document.querySelector('pool-playground')?.dataset.state));
  return browser.execute(() => {
    const playground = document.querySelector('pool-playground');
    const { model } = playground.run;
    const root = playground.shadowRoot;
    const events = Array.from({ length: model.count }, (_, i) => ({ part: model.label(model.get(i, 'job')), worker: model.get(i, 'worker') }));
    return {
      state: playground.dataset.state,
      status: root.querySelector('.status').textContent,
      mode: playground.dataset.mode,
      check: root.querySelector('.result-panel .check').dataset.check,
      lines: [...root.querySelectorAll('[role="log"] li')].map((line) => line.textContent),
      parts: new Set(events.map((e) => e.part)).size,
      workers: [...new Set(events.map((e) => e.worker))].sort((a, b) => a - b),
      legend: [...root.querySelectorAll('.legend li')].map((item) => Number(item.dataset.worker)),
    };
  });
}

for (const [mode, server] of [['shared', 'isolated'], ['fallback', 'plain']]) {
  test(`Firefox, ${mode} mode: the playground's Mandelbrot and prime ranges match one thread`, async () => {
    for (const [query, part, parts] of [['work=mandelbrot&view=seahorse&tile=64&pool=3', 'tile', 96], ['work=primes&limit=1000000&chunk=50000&pool=2', 'primes', 20]]) {
      const seen = await runPlayground(servers[server].origin, query);
      assert.equal(seen.state, 'done', seen.status);
      assert.equal(seen.mode, mode);
      assert.equal(seen.check, 'passed', `${query}: ${seen.status}`);
      assert.equal(seen.parts, parts, `each ${part} once`);
      assert.equal(seen.lines.length, parts);
      for (const line of seen.lines) assert.match(line, new RegExp(`^Job \\d+ \\(${part} [^)]+\\) is done by worker \\d+$`));
      assert.deepEqual(seen.legend, seen.workers, 'the legend names exactly the workers the run names');
    }
  });
}
