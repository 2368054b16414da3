// The pool's latency statistics and trace export in Firefox (geckodriver, headless), both
// modes (tests/e2e/stats-story.mjs).
import { test, before, after } from 'node:test';
import { statsStory, traceStory } from '../e2e/stats-story.mjs';
import { useWebDriver } from '../e2e/webdriver.mjs';

const session = useWebDriver(before, after, 'firefox');

for (const mode of ['shared', 'fallback']) {
  test(`Firefox, ${mode}: stats() gives how long jobs waited and ran, throughput and utilisation`, async () => {
    await statsStory(session.browser, session.server.origin, mode);
  });
}

for (const mode of ['shared', 'fallback']) {
  test(`Firefox, ${mode}: exportTrace() is well-formed trace-event JSON with slices, counters, instants and flows`, async () => {
    await traceStory(session.browser, session.server.origin, mode);
  });
}
