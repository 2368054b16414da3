// The code panel in one WebDriver session (Firefox through geckodriver,
// WebKit through WebKitWebDriver): the article's job run from the editor,
// then the same job edited to return n * 3. The Chromium file
// (tests/e2e/code.test.mjs) types into the editor and tests each part alone.
import assert from 'node:assert/strict';

/// The log's lines, the results and the state, read from the element.
function seen() {
  const element = document.querySelector('pool-playground');
  const root = element.shadowRoot;
  return {
    state: element.dataset.state,
    lines: [...root.querySelectorAll('[role="log"] li')].map((li) => li.textContent.trim()),
    results: [...root.querySelectorAll('.code-results li')].map((li) => li.textContent),
    editor: root.querySelector('.cm-content')?.textContent ?? '',
    problems: root.querySelector('.problems').textContent,
  };
}

/// Runs the playground's code panel in `mode` and checks what it showed.
export async function codeStory(browser, origin, mode) {
  await browser.navigate(`${origin}/?work=code&pool=3&jobs=5&mode=${mode}`);
  await browser.waitFor('the code panel\'s editor', () => document.querySelector('pool-playground')?.shadowRoot?.querySelector('.code-panel .editor')?.dataset.loaded === 'true', [], 60_000);
  const run = () => browser.execute(() => document.querySelector('pool-playground').shadowRoot.querySelector('button[type="submit"]').click());
  await run();
  await browser.waitFor(`the article's job to run (${mode})`, () => document.querySelector('pool-playground').dataset.state === 'done', [], 60_000);
  const first = await browser.execute(seen);
  assert.match(first.editor, /await sleep\(1000\);\s*return n \* 2;/);
  assert.equal(first.lines.length, 5, JSON.stringify(first));
  for (const line of first.lines) {
    const [, job, worker, value] = line.match(/^Job (\d+) is done by worker (\d+): (\d+)$/) ?? [];
    assert.ok(job && Number(worker) <= 3 && Number(value) === Number(job) * 2, line);
  }
  assert.deepEqual(first.results, ['Job 1: 2', 'Job 2: 4', 'Job 3: 6', 'Job 4: 8', 'Job 5: 10']);

  await browser.execute(() => {
    const panel = document.querySelector('pool-playground').code.panel;
    panel.setCode(panel.code.replace('return n * 2;', 'return n * 3;'));
  });
  await run();
  await browser.waitFor(`the edited job to run (${mode})`, () => {
    const element = document.querySelector('pool-playground');
    return element.dataset.state === 'done' && element.shadowRoot.querySelectorAll('.code-results li').length === 5
      && element.shadowRoot.querySelector('.code-results li').textContent === 'Job 1: 3';
  }, [], 60_000);
  const second = await browser.execute(seen);
  assert.match(second.editor, /return n \* 3;/, 'the editor shows the edited code');
  assert.deepEqual(second.results, ['Job 1: 3', 'Job 2: 6', 'Job 3: 9', 'Job 4: 12', 'Job 5: 15']);
  assert.equal(second.problems, '');
}
