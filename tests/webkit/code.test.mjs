// The code panel in WebKit (WebKitGTK over WebDriver, under Xvfb), both modes: the
// article's job run from the editor, then edited (tests/e2e/code-story.mjs).
import { test, before, after } from 'node:test';
import { codeStory } from '../e2e/code-story.mjs';
import { useWebDriver } from '../e2e/webdriver.mjs';

const session = useWebDriver(before, after, 'webkit');

for (const mode of ['shared', 'fallback']) {
  test(`WebKit, ${mode}: the article's job from the editor, then edited to return n * 3`, async () => {
    await codeStory(session.browser, session.server.origin, mode);
  });
}
