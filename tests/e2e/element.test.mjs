// The element's lifecycle as a host page sees it (issue #13): removal stops
// its run and ends its Web Workers, adding it back works, attribute changes
// apply, and the documented events fire with their payloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser } from './harness.mjs';

const session = useBrowser(before, after);
const DEADLINE_MS = 60_000;

/// Adds a playground with these attributes to the docs example page's end.
const addEmbed = (page, attributes) => page.evaluate((attributes) => {
  const embed = document.createElement('worker-pool-playground');
  for (const [name, value] of Object.entries(attributes)) embed.setAttribute(name, value);
  document.querySelector('main').append(embed);
}, attributes);

/// Waits, up to the deadline, for `what`; fails saying what it saw last.
async function waitUntil(what, check, describe) {
  const end = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`waited ${DEADLINE_MS} ms for ${what} in vain: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('60 add/remove cycles during runs free each pool as its last worker leaves, leave no Web Worker behind and the wasm memory flat, and the element still runs', async () => {
  const page = await openPage(session.context, `${session.origin}/docs-example.html`);
  // Only the cycled element on the page: the example's own embeds (one runs by itself) would hold pools too.
  await page.evaluate(() => document.querySelector('main').replaceChildren());
  const pools = () => page.evaluate(async () => {
    const { livePools, memoryBytes } = await (await import('/poolscope.js')).loadPoolscope('shared');
    return { live: livePools(), bytes: memoryBytes() };
  });
  const sizes = [];
  for (let cycle = 1; cycle <= 60; cycle++) {
    await addEmbed(page, { id: 'cycled', pool: '3', jobs: '40', kind: 'sleep', cost: '20', layout: 'log' });
    const embed = page.locator('#cycled');
    await embed.getByRole('button', { name: 'Run' }).click();
    await embed.locator('[role="log"] li').first().waitFor({ timeout: DEADLINE_MS }); // its workers run jobs
    await page.evaluate(() => document.querySelector('#cycled').remove());
    // Each removal ends its workers (their current job first): none is left before the next cycle.
    await waitUntil(`no Web Worker left after cycle ${cycle}`, async () => page.workers().length === 0,
      async () => `${page.workers().length} workers: ${page.workers().map((w) => w.url()).join(', ')}; ${JSON.stringify(await pools())}`);
    // The last worker to leave dropped the pool's last reference: its queue, trace and labels are
    // gone now, with no collection asked for (nothing of it waits on JavaScript's collector).
    const { live } = await pools();
    assert.equal(live, 0, `cycle ${cycle}: the removed element's pool is freed once its workers have left (pools holding memory: ${live})`);
    // No collection is asked for, on purpose: nothing of a pool may wait for one.
    if (cycle % 10 === 0) sizes.push((await pools()).bytes);
  }
  // The wasm memory's size is the allocator's high-water mark: it holds
  // once the first pool's room is there to be used again. A pool left
  // behind per cycle, or a hole left in the heap by what the collector
  // alone would free, adds about 2 MB (a pool's queue and trace) a cycle.
  console.log(`wasm memory at cycles 10..60 (Chromium): ${sizes.map((bytes) => (bytes / 1e6).toFixed(1)).join(', ')} MB`);
  assert.deepEqual(sizes.slice(3), [sizes[3], sizes[3], sizes[3]], `the wasm memory holds from cycle 40 to 60 (bytes at cycles 10..60: ${sizes})`);

  // Added back, the same element runs again; the page's worker budget came back whole.
  await addEmbed(page, { id: 'again', pool: '8', jobs: '16', cost: '10', layout: 'log' });
  const again = page.locator('#again');
  const element = await again.elementHandle();
  await page.evaluate((embed) => { embed.remove(); document.querySelector('main').append(embed); }, element);
  await again.getByRole('button', { name: 'Run' }).click();
  await again.and(page.locator('[data-state="done"]')).waitFor({ timeout: DEADLINE_MS });
  assert.equal(await again.locator('[role="log"] li').count(), 16);
  assert.doesNotMatch(await again.locator('.status').textContent(), /Waiting for other playgrounds/);
  await page.close();
});

test('pool set while a run goes resizes it; jobs set applies to the next run', async () => {
  const page = await openPage(session.context, `${session.origin}/docs-example.html`);
  await addEmbed(page, { id: 'sized', pool: '1', jobs: '24', kind: 'sleep', cost: '100', layout: 'log' });
  const embed = page.locator('#sized');
  await embed.getByRole('button', { name: 'Run' }).click();
  await embed.locator('[role="log"] li').first().waitFor({ timeout: DEADLINE_MS });
  await page.evaluate(() => document.querySelector('#sized').setAttribute('pool', '3'));
  await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: DEADLINE_MS });
  const run = await page.evaluate(() => {
    const { model } = document.querySelector('#sized').run;
    const events = Array.from({ length: model.count }, (_, i) => ({ job: model.get(i, 'job'), worker: model.get(i, 'worker'), started: model.get(i, 'started') }));
    return { events, resizes: model.resizes };
  });
  assert.deepEqual(run.resizes.map((r) => r.size), [1, 3], 'one resize, from 1 to 3');
  for (const worker of [2, 3]) {
    const taken = run.events.filter((e) => e.worker === worker);
    assert.ok(taken.length > 0 && taken.every((e) => e.started >= run.resizes[1].atMs), `worker ${worker} took jobs, only after the resize`);
  }
  assert.equal(await embed.locator('input[name="pool"]').inputValue(), '3', 'the control shows the new size');

  await page.evaluate(() => document.querySelector('#sized').setAttribute('jobs', '5'));
  await embed.getByRole('button', { name: 'Run' }).click();
  await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: DEADLINE_MS });
  assert.equal(await embed.locator('[role="log"] li').count(), 5);
  await page.close();
});

test('the element tells the host page of state changes, each finished job and the run\'s end', async () => {
  const page = await openPage(session.context, `${session.origin}/docs-example.html`);
  await page.evaluate(() => {
    window.heard = [];
    for (const type of ['poolscope-state', 'poolscope-job', 'poolscope-run']) {
      document.addEventListener(type, (event) => window.heard.push({ type, target: event.target.id, detail: event.detail }));
    }
  });
  await addEmbed(page, { id: 'told', pool: '2', jobs: '6', cost: '20', layout: 'log' });
  const embed = page.locator('#told');
  await embed.getByRole('button', { name: 'Run' }).click();
  await embed.and(page.locator('[data-state="done"]')).waitFor({ timeout: DEADLINE_MS });
  const heard = await page.evaluate(() => window.heard.filter((event) => event.target === 'told'));
  const states = heard.filter((e) => e.type === 'poolscope-state').map((e) => e.detail.state);
  assert.deepEqual(states, ['idle', 'running', 'done']);
  const jobs = heard.filter((e) => e.type === 'poolscope-job').map((e) => e.detail);
  assert.deepEqual(jobs.map((j) => j.job).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6], 'one event per job');
  for (const job of jobs) {
    assert.ok(job.worker === 1 || job.worker === 2, `job ${job.job} on worker ${job.worker}`);
    assert.equal(job.outcome, 'completed');
    assert.ok(job.queuedMs <= job.startedMs && job.startedMs <= job.finishedMs, `job ${job.job}'s times in order`);
  }
  const runs = heard.filter((e) => e.type === 'poolscope-run');
  assert.equal(runs.length, 1);
  const { summary } = runs[0].detail;
  assert.deepEqual([summary.jobs, summary.ran, summary.completed, summary.duplicates, summary.missing, summary.stopped], [6, 6, 6, 0, 0, false]);
  assert.ok(summary.wallMs > 0 && summary.workers === 2 && summary.strategy === 'pool');
  assert.ok(states.indexOf('done') > -1 && heard.findIndex((e) => e.type === 'poolscope-run') > heard.findLastIndex((e) => e.type === 'poolscope-job'),
    'the run event comes after every job event');
  await page.close();
});

test('the class is exported and defined once under each tag; loading it again is harmless; properties mirror the attributes', async () => {
  const errors = [];
  const page = await openPage(session.context, `${session.origin}/docs-example.html`, errors);
  const seen = await page.evaluate(async () => {
    const { PoolPlayground } = await import('/poolscope.js');
    // Another copy of the modules (another URL), as two script tags of two versions would load.
    const again = await import('/define.js?copy=2');
    const copy = await import('/element.js?copy=2');
    const element = document.createElement('worker-pool-playground');
    element.pool = 3;
    element.strategy = 'longest-first';
    element.fail = [2, 5];
    const attributes = ['pool', 'strategy', 'fail'].map((name) => element.getAttribute(name));
    element.setAttribute('jobs', '12');
    element.setAttribute('cost', 'lots'); // refused: the property gives the default
    return {
      again: Object.keys(again).length,
      canonical: customElements.get('worker-pool-playground') === PoolPlayground,
      alias: Object.getPrototypeOf(customElements.get('pool-playground')) === PoolPlayground,
      copyKept: copy.PoolPlayground !== PoolPlayground && copy.PoolPlayground.define() === PoolPlayground,
      defineReturns: PoolPlayground.define() === PoolPlayground && PoolPlayground.define('pool-playground') === customElements.get('pool-playground'),
      upgraded: element instanceof PoolPlayground,
      attributes,
      properties: [element.pool, element.jobs, element.cost, element.kind, element.fail, element.autorun, element.layout],
      methods: ['start', 'stop', 'compare', 'resize', 'exportTrace'].filter((name) => typeof element[name] === 'function'),
    };
  });
  assert.deepEqual(seen, {
    again: 0, canonical: true, alias: true, copyKept: true, defineReturns: true, upgraded: true,
    attributes: ['3', 'longest-first', '2,5'],
    properties: [3, 12, 400, 'cpu', [2, 5], false, 'compact'],
    methods: ['start', 'stop', 'compare', 'resize', 'exportTrace'],
  });
  assert.deepEqual(errors, []);
  await page.close();
});
