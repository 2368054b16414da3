// The first page's public contract, as docs pages and users rely on it:
// URL parameters, data-state, and one log line per finished job.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, openPage } from './browser.mjs';
import { startServer } from './server.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/// Parses "Job 3 is done by worker 2" lines; fails on any other line.
export function parseLog(text) {
  return text.trim().split('\n').filter(Boolean).map((line) => {
    const match = line.match(/^Job (\d+) is done by worker (\d+)$/);
    assert.ok(match, `log line in the article's words: ${JSON.stringify(line)}`);
    return { job: Number(match[1]), worker: Number(match[2]) };
  });
}

test('autorun with pool=3 and jobs=20 logs each job once, on workers 1..3', async () => {
  const errors = [];
  const page = await openPage(browser.context, `${server.origin}/?pool=3&jobs=20&autorun=1`, errors);
  const playground = page.locator('pool-playground');
  await playground.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
  const lines = parseLog(await page.getByRole('log').innerText());
  assert.equal(lines.length, 20);
  assert.deepEqual(lines.map((l) => l.job).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
  for (const { worker } of lines) assert.ok(worker >= 1 && worker <= 3, `worker ${worker} within 1..3`);
  assert.ok(new Set(lines.map((l) => l.worker)).size > 1, 'more than one worker took jobs');
  assert.deepEqual(errors, []);
  await page.close();
});
