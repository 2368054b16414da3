// The playground driven as a new user would: through its controls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertEachJobOnce, assertNewWorkersStartedAfterGrowing, openPage, readLog, readRunModel, useBrowser, waitForState } from './harness.mjs';

const session = useBrowser(before, after);
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

async function setControls(page, values) {
  for (const [label, value] of Object.entries(values)) {
    const control = page.getByLabel(label, { exact: true });
    if (await control.evaluate((node) => node.tagName === 'SELECT')) await control.selectOption(value);
    else await control.fill(String(value));
  }
}

/// The run's events as the page's model holds them, and its resizes.
function readModel(page) {
  return page.evaluate(readRunModel);
}

async function waitForLogLines(page, count) {
  await page.getByRole('log').locator(`li:nth-child(${count})`).waitFor({ timeout: 30_000 });
}

test('pool 3 and 12 jobs, set through the controls: 12 lines, 3 lanes, 12 bars', async () => {
  const errors = [];
  const page = await openPage(session.context, session.origin, errors);
  await waitForState(page, 'idle');
  await setControls(page, { Workers: 3, Jobs: 12, Kind: 'sleep', 'Cost (ms)': 150 });
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForState(page, 'done');
  const lines = await readLog(page);
  assertEachJobOnce(lines, 12, 3);
  const canvas = page.locator('canvas.timeline');
  assert.equal(await canvas.getAttribute('data-lanes'), '3');
  assert.equal(await canvas.getAttribute('data-bars'), '12');
  const model = await page.evaluate(() => document.querySelector('pool-playground').timeline.model);
  assert.deepEqual(model.lanes.map((lane) => lane.worker), [1, 2, 3]);
  assert.equal(model.lanes.reduce((sum, lane) => sum + lane.jobs, 0), 12);
  // The URL reflects the settings, so the link replays the same run.
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('pool'), '3');
  assert.equal(url.searchParams.get('jobs'), '12');
  assert.equal(url.searchParams.get('kind'), 'sleep');
  assert.match(await page.locator('.stats .check').innerText(), /jobs done 12 of 12, duplicates 0, missing 0/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('raising the pool from 2 to 4 mid-run: workers 3 and 4 take jobs, all 200 once', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/?pool=2&jobs=200&kind=sleep&cost=20`, errors);
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForLogLines(page, 10);
  await page.getByRole('button', { name: 'One worker more' }).click();
  await page.getByRole('button', { name: 'One worker more' }).click();
  await waitForState(page, 'done');
  assertEachJobOnce(await readLog(page), 200, 4);
  const { events, resizes } = await readModel(page);
  assertNewWorkersStartedAfterGrowing({ events, resizes }, 2, 4);
  assert.ok(events.some((e) => e.worker <= 2 && e.started < resizes[1].atMs), 'workers 1 and 2 ran before');
  assert.equal(await page.locator('canvas.timeline').getAttribute('data-lanes'), '4');
  assert.deepEqual(errors, []);
  await page.close();
});

test('lowering the pool from 4 to 1 mid-run: then one worker takes jobs, all 200 once', async () => {
  const errors = [];
  // 40 ms jobs: 2 s of work for four workers, so that the change (typed,
  // which takes a while on a loaded machine) comes while many still wait.
  const page = await openPage(session.context, `${session.origin}/?pool=4&jobs=200&kind=sleep&cost=40`, errors);
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForLogLines(page, 20);
  await setControls(page, { Workers: 1 });
  await page.getByLabel('Workers', { exact: true }).press('Tab'); // commits the change
  await waitForState(page, 'done');
  assertEachJobOnce(await readLog(page), 200, 4);
  const { events, resizes } = await readModel(page);
  assert.deepEqual(resizes.map((r) => r.size), [4, 1]);
  const shrunkAt = resizes[1].atMs;
  const before = new Set(events.filter((e) => e.started < shrunkAt).map((e) => e.worker));
  assert.ok(before.size > 1, 'several workers ran before the change');
  // Retiring workers finish the job they had; every job started after that is one worker's.
  const after = new Set(events.filter((e) => e.started > shrunkAt + 1).map((e) => e.worker));
  assert.equal(after.size, 1, `jobs started after the change ran on ${[...after]}`);
  // How many is the machine's business (it was "most", until a loaded run typed the change late).
  const ranAfter = events.filter((e) => e.started > shrunkAt + 1).length;
  assert.ok(ranAfter > 0, `jobs ran after the change (${ranAfter} of 200): the run was still going`);
  const lanes = await page.evaluate(() => document.querySelector('pool-playground').timeline.model.lanes);
  assert.equal(lanes.length, 4, 'retired workers keep their lane');
  assert.deepEqual(lanes.filter((lane) => lane.active).map((lane) => lane.worker), [...after], 'one lane is still active');
  assert.deepEqual(errors, []);
  await page.close();
});

test('bad URL parameters name the value and the range; the defaults still run', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/?pool=0&jobs=abc`, errors);
  const problems = page.locator('.problems');
  await problems.getByText('pool="0" is not allowed: pool must be a whole number from 1 to 64').waitFor();
  await problems.getByText('jobs="abc" is not allowed: jobs must be a whole number from 1 to 200000').waitFor();
  assert.equal(await page.getByLabel('Workers', { exact: true }).inputValue(), '2');
  assert.equal(await page.getByLabel('Jobs', { exact: true }).inputValue(), '5');
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForState(page, 'done');
  assertEachJobOnce(await readLog(page), 5, 2);

  for (const [query, expected] of [['pool=99999', 'pool="99999"'], ['jobs=-4', 'jobs="-4"'], ['kind=gpu', 'kind="gpu"']]) {
    await page.goto(`${session.origin}/?${query}`);
    await problems.getByText(expected).waitFor();
    await waitForState(page, 'idle');
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('Stop drops the queued jobs; running ones finish and nothing runs twice', async () => {
  const page = await openPage(session.context, `${session.origin}/?pool=2&jobs=400&kind=sleep&cost=20`);
  await page.getByRole('button', { name: 'Run' }).click();
  await waitForLogLines(page, 10);
  await page.getByRole('button', { name: 'Stop' }).click();
  await waitForState(page, 'done');
  const lines = await readLog(page);
  assert.ok(lines.length < 400, `stopped early: ${lines.length} jobs ran`);
  assert.equal(new Set(lines.map((l) => l.job)).size, lines.length, 'no job twice');
  assert.match(await page.locator('.stats .check').innerText(), new RegExp(`duplicates 0, missing 0, cancelled ${400 - lines.length}`));
  await page.close();
});

test('the trace export is Chrome trace-event JSON with one complete event per job', async () => {
  const page = await openPage(session.context, `${session.origin}/?pool=3&jobs=25&kind=sleep&cost=10&autorun=1`);
  await waitForState(page, 'done');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export trace' }).click()]);
  const trace = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const slices = trace.traceEvents.filter((e) => e.ph === 'X');
  assert.equal(slices.length, 25);
  assert.deepEqual(slices.map((e) => e.args.job).sort((a, b) => a - b), Array.from({ length: 25 }, (_, i) => i + 1));
  for (const slice of slices) {
    assert.ok(slice.tid >= 1 && slice.tid <= 3 && slice.ts >= 0 && slice.dur > 0, JSON.stringify(slice));
  }
  const tracks = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.tid);
  assert.deepEqual(tracks.sort(), [...new Set(slices.map((e) => e.tid))].sort(), 'one named track per worker');
  await page.close();
});

test('screenshots at desktop and 360 px; nothing overflows the narrow screen', async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const page = await openPage(session.context, `${session.origin}/?pool=3&jobs=24&kind=cpu&cost=120&dist=random&autorun=1`);
  await waitForState(page, 'done');
  await page.screenshot({ path: `${SCREENSHOTS}/desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(100);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 360 px screen`);
  await page.screenshot({ path: `${SCREENSHOTS}/mobile-360.png`, fullPage: true });
  await page.close();
});

