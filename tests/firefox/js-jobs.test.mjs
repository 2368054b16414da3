// JS jobs in Firefox (geckodriver, headless), both modes: results,
// order, named errors, timeouts that replace workers, abort and transfer
// (tests/e2e/js-jobs-story.mjs).
import { test, before, after } from 'node:test';
import { jsJobsStory } from '../e2e/js-jobs-story.mjs';
import { useWebDriver } from '../e2e/webdriver.mjs';

const session = useWebDriver(before, after, 'firefox');

for (const mode of ['shared', 'fallback']) {
  test(`Firefox, ${mode}: results, order, named errors, timeouts that replace workers, abort and transfer`, async () => {
    await jsJobsStory(session.browser, session.server.origin, mode);
  });
}
