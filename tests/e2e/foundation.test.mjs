// The first page's public contract, as docs pages rely on it: URL
// parameters, data-state, and one log line per finished job.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertEachJobOnce, openPage, readLog, useBrowser, waitForState } from './harness.mjs';

const session = useBrowser(before, after);

test('autorun with pool=3 and jobs=20 logs each job once, on workers 1..3', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/?pool=3&jobs=20&autorun=1`, errors);
  await waitForState(page, 'done');
  const lines = await readLog(page);
  assertEachJobOnce(lines, 20, 3);
  assert.ok(new Set(lines.map((l) => l.worker)).size > 1, 'more than one worker took jobs');
  assert.deepEqual(errors, []);
  await page.close();
});
