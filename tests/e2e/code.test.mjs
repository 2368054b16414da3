// The code panel (`work=code`) as a reader uses it: the job written in
// the editor runs as every job runs, a syntax error is named before
// anything runs, a job that never ends is timed out with the pool keeping
// its size, and code that comes in a link waits for Run. Both modes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser, waitForState } from './harness.mjs';

const session = useBrowser(before, after);

/// Opens the playground and waits for its editor to load.
async function codePage(query, errors) {
  const page = await openPage(session.context, `${session.origin}/${query}`, errors);
  await page.waitForFunction(() => document.querySelector('pool-playground')?.shadowRoot?.querySelector('.code-panel .editor')?.dataset.loaded === 'true',
    null, { timeout: 30_000 }).catch(async () => {
    assert.fail(`waited 30 s for the code panel's editor to load: errors ${JSON.stringify(errors)}`);
  });
  return page;
}

/// Replaces the editor's text as a reader would: focus it, select all, type.
async function typeCode(page, code) {
  await page.locator('pool-playground .cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(code);
}

const logLines = async (page) => (await page.getByRole('log').innerText()).split('\n').map((line) => line.trim()).filter(Boolean);
const shadow = (page, selector) => page.locator('pool-playground').evaluate((element, selector) => element.shadowRoot.querySelector(selector)?.textContent ?? null, selector);

for (const mode of ['shared', 'fallback']) {
  test(`${mode}: the article's job edited to return n * 3 runs with every line's value tripled, and its results listed`, { timeout: 90_000 }, async () => {
    const errors = [];
    const page = await codePage(`?work=code&pool=3&jobs=5&mode=${mode}`, errors);
    const article = await page.locator('pool-playground .cm-content').innerText();
    assert.match(article, /await sleep\(1000\);\s*return n \* 2;/, 'the panel opens on the article\'s worker');
    await typeCode(page, article.replace('return n * 2;', 'return n * 3;'));
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForState(page, 'done');
    const lines = await logLines(page);
    assert.equal(lines.length, 5, JSON.stringify(lines));
    for (const line of lines) {
      const [, job, worker, value] = line.match(/^Job (\d+) is done by worker (\d+): (\d+)$/) ?? [];
      assert.ok(job && Number(worker) <= 3, `a line in the article's words: ${line}`);
      assert.equal(Number(value), Number(job) * 3, line);
    }
    const results = await page.locator('pool-playground').evaluate((element) => [...element.shadowRoot.querySelectorAll('.code-results li')].map((li) => li.textContent));
    assert.deepEqual(results, ['Job 1: 3', 'Job 2: 6', 'Job 3: 9', 'Job 4: 12', 'Job 5: 15']);
    assert.match(page.url(), /[?&]code=[A-Za-z0-9_-]+/, 'the page\'s URL carries the edited code');
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('a syntax error is named with its line and column and marked, and nothing runs', { timeout: 60_000 }, async () => {
  const errors = [];
  const page = await codePage('?work=code&pool=2&jobs=3', errors);
  await typeCode(page, 'export function job(n) {\n  const x = 1;\n  return n * ;\n}\n');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('pool-playground').shadowRoot.querySelector('.code-error').textContent !== '', null, { timeout: 10_000 });
  const said = await shadow(page, '.code-error');
  assert.match(said, /^Your code has a syntax error at line 3, column \d+ \(near ".*"\): nothing ran\.$/, said);
  assert.match(await shadow(page, '.problems'), /line 3/);
  assert.equal(await page.locator('pool-playground .cm-lint-marker-error').count(), 1, 'a mark in the gutter');
  assert.equal(await page.locator('pool-playground').getAttribute('data-state'), 'idle', 'no run began');
  assert.deepEqual(await logLines(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the never-ending example is ended by its timeout, its worker replaced, the pool keeping its size', { timeout: 90_000 }, async () => {
  const errors = [];
  // A timeout long enough that the second wave (jobs 3 and 4, on the new workers) is seen running on a loaded machine.
  const page = await codePage('?work=code&pool=2&jobs=4&timeout=1500', errors);
  await page.locator('pool-playground').evaluate((element) => {
    const menu = element.shadowRoot.querySelector('select[name="example"]');
    menu.value = 'forever';
    menu.dispatchEvent(new Event('change'));
  });
  assert.match(await page.locator('pool-playground .cm-content').innerText(), /for \(;;\) \{\}/);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  // Jobs 1 and 2 time out; new workers take jobs 3 and 4 (on a loaded
  // machine one may start well after the other): the pool has its two.
  const secondWave = () => {
    const pool = document.querySelector('pool-playground').run?.pool;
    const counters = pool?.counters();
    return counters && counters.timedOut === 2 && counters.running >= 1 ? { live: pool.liveWebWorkers, counters } : null;
  };
  const between = await (await page.waitForFunction(secondWave, null, { timeout: 30_000, polling: 10 }).catch(async () => {
    assert.fail(`waited 30 s for job 3 or 4 to run after jobs 1 and 2 timed out: ${JSON.stringify(await page.locator('pool-playground').evaluate((element) => element.run?.pool?.counters()))}`);
  })).jsonValue();
  assert.equal(between.live, 2, `the pool kept its size in live Web Workers: ${JSON.stringify(between)}`);
  await waitForState(page, 'done');
  const seen = await page.locator('pool-playground').evaluate((element) => ({ counters: element.run.pool.counters(), lost: element.run.pool.lostWorkers }));
  assert.equal(seen.counters.timedOut, 4, JSON.stringify(seen));
  assert.equal(seen.lost, 4, 'each timed-out worker was replaced');
  const lines = await logLines(page);
  assert.equal(lines.length, 4);
  assert.ok(lines.every((line) => /^Job \d timed out on worker \d/.test(line)), JSON.stringify(lines));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a job that reports its progress: the element tells the page each step (poolscope-job-progress)', { timeout: 60_000 }, async () => {
  const errors = [];
  const page = await codePage('?work=code&pool=2&jobs=2', errors);
  await page.locator('pool-playground').evaluate((element) => {
    window.progressSeen = [];
    element.addEventListener('poolscope-job-progress', ({ detail }) => window.progressSeen.push(detail));
    // What the log's running line said, each time it changed.
    window.runningLines = [];
    const line = element.shadowRoot.querySelector('.log-running');
    new MutationObserver(() => window.runningLines.push(line.textContent)).observe(line, { childList: true, characterData: true, subtree: true });
    const menu = element.shadowRoot.querySelector('select[name="example"]');
    menu.value = 'progress';
    menu.dispatchEvent(new Event('change'));
  });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForState(page, 'done');
  const seen = await page.evaluate(() => window.progressSeen);
  for (const job of [1, 2]) {
    const steps = seen.filter((detail) => detail.job === job).map((detail) => detail.progress);
    // Ten steps of 150 ms each, seen once a frame: most of them, in order, none twice.
    assert.ok(steps.length >= 3, `job ${job}'s progress: ${JSON.stringify(seen)}`);
    assert.deepEqual(steps, [...steps].sort((a, b) => a - b), `in order: ${steps}`);
    assert.equal(new Set(steps).size, steps.length, `once per change: ${steps}`);
    assert.ok(seen.filter((detail) => detail.job === job).every((detail) => detail.worker >= 1 && detail.worker <= 2));
  }
  const lines = await page.evaluate(() => window.runningLines);
  assert.ok(lines.some((line) => /^Running: job [12] on worker [12] at \d+%/.test(line)), `the log's running line: ${JSON.stringify(lines)}`);
  assert.equal(await shadow(page, '.log-running'), '', 'no running line once the run ended');
  assert.deepEqual(errors, []);
  await page.close();
});

test('code in a link is shown, not run, even with autorun=1; Run then runs it', { timeout: 90_000 }, async () => {
  const errors = [];
  await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.origin });
  const writer = await codePage('?work=code&pool=2&jobs=4', errors);
  await typeCode(writer, 'export function job(n) {\n  return `item ${n + 100}`;\n}\n');
  await writer.getByRole('button', { name: 'Copy link' }).click();
  // Copying is asynchronous: wait until the status says how it went.
  // Headless pages may refuse the clipboard: the status shows the link then.
  await writer.waitForFunction(() => /^(Link copied|Link to this run: )/.test(document.querySelector('pool-playground').shadowRoot.querySelector('.status').textContent),
    null, { timeout: 10_000 }).catch(async () => {
    assert.fail(`waited 10 s for Copy link to finish; the status says ${JSON.stringify(await shadow(writer, '.status'))}`);
  });
  const status = await shadow(writer, '.status');
  const link = status.startsWith('Link to this run: ') ? status.replace(/^Link to this run: /, '')
    : await writer.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /[?&]code=[A-Za-z0-9_-]+/, link);
  await writer.close();

  const reader = await codePage(`${new URL(link).search}&autorun=1`, errors);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // time for a run that must not start
  assert.equal(await reader.locator('pool-playground').getAttribute('data-state'), 'idle', 'nothing ran on opening the link');
  assert.deepEqual(await logLines(reader), []);
  assert.match(await shadow(reader, '.code-notice'), /This link contains code\. Read it before you press Run/);
  assert.match(await reader.locator('pool-playground .cm-content').innerText(), /item \$\{n \+ 100\}/);
  await reader.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForState(reader, 'done');
  const values = (await logLines(reader)).map((line) => line.match(/^Job (\d+) is done by worker \d+: "item (\d+)"$/)).map((m) => Number(m?.[2]) - Number(m?.[1]));
  assert.deepEqual(values, [100, 100, 100, 100], 'the same jobs as the link\'s author ran');
  assert.deepEqual(errors, []);
  await reader.close();
});

/// What hash-job.js gives for job `n`, computed here.
async function digestOf(n) {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(`upload ${n} `.repeat(50_000)).digest('hex').slice(0, 8);
}

for (const mode of ['shared', 'fallback']) {
  test(`${mode}: an embed with job-src runs the author's module, shown in its editor with editable`, { timeout: 90_000 }, async () => {
    const errors = [];
    const page = await openPage(session.context, `${session.origin}/docs-example.html`, errors);
    // The docs page's embed, and one more made here in the asked mode.
    await page.evaluate((mode) => {
      const embed = document.createElement('worker-pool-playground');
      Object.assign(embed, { id: 'made', jobSrc: './hash-job.js', pool: 2, jobs: 5, mode });
      embed.setAttribute('layout', 'log');
      document.querySelector('main').append(embed);
    }, mode);
    const embed = page.locator('#made');
    await embed.and(page.locator('[data-state="idle"]')).waitFor({ timeout: 30_000 });
    assert.equal(await embed.locator('.code-panel:not([hidden])').count(), 0, 'no editor without editable');
    await embed.getByRole('button', { name: 'Run', exact: true }).click();
    await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
    const lines = (await embed.getByRole('log').innerText()).split('\n').map((line) => line.trim()).filter(Boolean);
    assert.equal(lines.length, 5, JSON.stringify(lines));
    for (const line of lines) {
      const [, job, value] = line.match(/^Job (\d+) is done by worker [12]: "([0-9a-f]{8})"$/) ?? [];
      assert.ok(job, line);
      assert.equal(value, await digestOf(Number(job)), `job ${job}'s digest`);
    }
    const editable = page.locator('worker-pool-playground[job-src][editable]');
    await editable.locator('.editor[data-loaded="true"]').waitFor({ timeout: 30_000 });
    assert.match(await editable.locator('.cm-content').innerText(), /crypto\.subtle\.digest\('SHA-256'/, 'the editor shows the author\'s module');
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('an embed with its job inline (<script type="text/poolscope-job">) runs that code', { timeout: 60_000 }, async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/docs-example.html`, errors);
  await page.evaluate(() => {
    const embed = document.createElement('worker-pool-playground');
    embed.id = 'inline';
    embed.setAttribute('pool', '2');
    embed.setAttribute('jobs', '4');
    const script = document.createElement('script');
    script.type = 'text/poolscope-job'; // not run by the page: the element reads its text
    script.textContent = 'export function job(n) { return n * n; }';
    embed.append(script);
    document.querySelector('main').append(embed);
  });
  const embed = page.locator('#inline');
  await embed.and(page.locator('[data-state="idle"]')).waitFor({ timeout: 30_000 });
  await embed.getByRole('button', { name: 'Run', exact: true }).click();
  await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
  const lines = (await embed.getByRole('log').innerText()).split('\n').map((line) => line.trim()).filter(Boolean);
  assert.equal(lines.length, 4, JSON.stringify(lines));
  for (const line of lines) {
    const [, job, value] = line.match(/^Job (\d+) is done by worker [12]: (\d+)$/) ?? [];
    assert.equal(Number(value), Number(job) ** 2, line);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a page or embed without a code panel loads nothing of it: the editor bundle only comes with work=code', { timeout: 60_000 }, async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/?pool=2&jobs=4&cost=20&autorun=1`, errors);
  await waitForState(page, 'done');
  const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
  assert.deepEqual(loaded.filter((path) => /\/(editor|code)\//.test(path)), [], `loaded: ${loaded.join(', ')}`);
  assert.ok(loaded.some((path) => path.endsWith('/element.js')), 'the element itself did load');
  const withCode = await codePage('?work=code&pool=2&jobs=2', errors);
  const codeLoaded = await withCode.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
  assert.ok(codeLoaded.some((path) => path.endsWith('/editor/codemirror.js')), 'with work=code the editor loads');
  assert.deepEqual(errors, []);
  await page.close();
  await withCode.close();
});
