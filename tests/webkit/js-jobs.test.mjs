// JS jobs in WebKit (WebKitGTK's MiniBrowser over WebDriver, under
// Xvfb: scripts/test.sh), both modes: the story of
// tests/e2e/js-jobs-story.mjs.
import { test, before, after } from 'node:test';
import { jsJobsStory } from '../e2e/js-jobs-story.mjs';
import { useWebDriver } from '../e2e/webdriver.mjs';

const session = useWebDriver(before, after, 'webkit');

for (const mode of ['shared', 'fallback']) {
  test(`WebKit, ${mode}: results, order, named errors, timeouts that replace workers, abort and transfer`, async () => {
    await jsJobsStory(session.browser, session.server.origin, mode);
  });
}
