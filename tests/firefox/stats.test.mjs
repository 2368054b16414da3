// The pool's latency statistics in Firefox (geckodriver, headless), both
// modes (tests/e2e/stats-story.mjs).
import { test, before, after } from 'node:test';
import { statsStory } from '../e2e/stats-story.mjs';
import { useWebDriver } from '../e2e/webdriver.mjs';

const session = useWebDriver(before, after, 'firefox');

for (const mode of ['shared', 'fallback']) {
  test(`Firefox, ${mode}: stats() gives how long jobs waited and ran, throughput and utilisation`, async () => {
    await statsStory(session.browser, session.server.origin, mode);
  });
}
