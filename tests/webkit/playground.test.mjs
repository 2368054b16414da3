// The playground in WebKit (WebKitGTK's MiniBrowser over WebDriver): its
// URL contract, a failing job, a resize during a run, and the
// message-passing fallback on a page without cross-origin isolation.
// Run under `xvfb-run -a` (scripts/test.sh does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertEachJobOnce, assertNewWorkersStartedAfterGrowing, readRunModel, startServer } from '../e2e/harness.mjs';
import { WebKitSession } from '../e2e/webdriver.mjs';

let browser;
const servers = {};
before(async () => {
  servers.isolated = await startServer();
  servers.plain = await startServer({ isolated: false });
  browser = await WebKitSession.start();
});
after(async () => {
  await browser?.close();
  for (const server of Object.values(servers)) server.stop();
});

async function waitForState(wanted) {
  await browser.waitFor(`data-state="${wanted}"`, (s) => document.querySelector('pool-playground')?.dataset.state === s, [wanted]);
}

function logLines() {
  return [...document.querySelector('pool-playground').shadowRoot.querySelectorAll('[role="log"] li')].map((li) => li.textContent.trim());
}

/// Every log line as `{ job, worker, outcome, message }`; fails on a line not in the article's words.
async function readLog() {
  return (await browser.execute(logLines)).map((line) => {
    const done = line.match(/^Job (\d+) is done by worker (\d+)$/);
    const failed = line.match(/^Job (\d+) failed on worker (\d+): (.+)$/);
    const match = done ?? failed;
    assert.ok(match, `a log line in the article's words: ${JSON.stringify(line)}`);
    return { job: Number(match[1]), worker: Number(match[2]), outcome: done ? 'done' : 'failed', message: failed?.[3] };
  });
}

test('WebKit: pool=3&jobs=20&autorun=1 logs each job once, on workers 1..3, in shared-memory mode', async () => {
  await browser.navigate(`${servers.isolated.origin}/?pool=3&jobs=20&autorun=1`);
  await waitForState('done');
  assert.equal(await browser.execute(() => document.querySelector('pool-playground').dataset.mode), 'shared');
  const lines = await readLog();
  assertEachJobOnce(lines, 20, 3);
  assert.ok(new Set(lines.map((l) => l.worker)).size > 1, 'more than one worker took jobs');
});

test('WebKit: bad URL parameters name the value and the range; the defaults still run', async () => {
  await browser.navigate(`${servers.isolated.origin}/?pool=0&jobs=abc`);
  const problems = await browser.waitFor('the problems to be listed', () => document.querySelector('pool-playground')?.shadowRoot?.querySelector('.problems')?.textContent);
  assert.match(problems, /pool="0" is not allowed: pool must be a whole number from 1 to 64/);
  assert.match(problems, /jobs="abc" is not allowed: jobs must be a whole number from 1 to 200000/);
  await waitForState('idle');
  await browser.execute(() => document.querySelector('pool-playground').shadowRoot.querySelector('button[type="submit"]').click());
  await waitForState('done');
  assertEachJobOnce(await readLog(), 5, 2);
});

test('WebKit: fail=3 fails job 3 with its message; the other nine are done once', async () => {
  await browser.navigate(`${servers.isolated.origin}/?pool=2&jobs=10&fail=3&autorun=1`);
  await waitForState('done');
  const lines = await readLog();
  assert.equal(lines.length, 10);
  assert.deepEqual(lines.filter((l) => l.outcome === 'failed').map((l) => [l.job, l.message]), [[3, 'job 3 was set to fail']]);
  assert.deepEqual(lines.filter((l) => l.outcome === 'done').map((l) => l.job).sort((a, b) => a - b), [1, 2, 4, 5, 6, 7, 8, 9, 10]);
  assert.match(await browser.execute(() => document.querySelector('pool-playground').shadowRoot.querySelector('.stats .check').textContent), /duplicates 0, missing 0, failed 1/);
});

test('WebKit: raising the pool from 2 to 4 mid-run: workers 3 and 4 take jobs, all 200 once', async () => {
  await browser.navigate(`${servers.isolated.origin}/?pool=2&jobs=200&kind=sleep&cost=20`);
  await waitForState('idle');
  await browser.execute(() => document.querySelector('pool-playground').shadowRoot.querySelector('button[type="submit"]').click());
  await browser.waitFor('10 log lines', () => document.querySelector('pool-playground').shadowRoot.querySelectorAll('[role="log"] li').length >= 10);
  for (let i = 0; i < 2; i++) await browser.execute(() => document.querySelector('pool-playground').shadowRoot.querySelector('button[aria-label="One worker more"]').click());
  await waitForState('done');
  assertEachJobOnce(await readLog(), 200, 4);
  assertNewWorkersStartedAfterGrowing(await browser.execute(readRunModel), 2, 4);
});

test('WebKit: without COOP/COEP the playground runs in message-passing mode, each job once', async () => {
  await browser.navigate(`${servers.plain.origin}/?pool=2&jobs=10&autorun=1`);
  await waitForState('done');
  assert.equal(await browser.execute(() => document.querySelector('pool-playground').dataset.mode), 'fallback');
  assertEachJobOnce(await readLog(), 10, 2);
  assert.match(await browser.execute(() => document.querySelector('pool-playground').shadowRoot.querySelector('.mode-notice').textContent), /Message-passing mode/);
});

