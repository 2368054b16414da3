// The element's removal in Firefox (geckodriver, headless): 60 add/remove
// cycles during runs free each removed element's pool as its workers
// leave, and the wasm memory holds (issue #23; the Chromium test,
// tests/e2e/element.test.mjs, also counts the Web Workers).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useWebDriver } from '../e2e/webdriver.mjs';

const session = useWebDriver(before, after, 'firefox');

test('Firefox: 60 add/remove cycles during runs free each pool once its workers leave, and the wasm memory holds', async () => {
  await session.browser.navigate(`${session.server.origin}/docs-example.html`);
  await session.browser.waitFor('the element to be defined', () => Boolean(customElements.get('worker-pool-playground')));
  await session.browser.execute(() => document.querySelector('main').replaceChildren()); // only the cycled element holds pools
  const sizes = [];
  for (let cycle = 1; cycle <= 60; cycle++) {
    await session.browser.execute(() => {
      const embed = document.createElement('worker-pool-playground');
      for (const [name, value] of Object.entries({ id: 'cycled', pool: '3', jobs: '40', kind: 'sleep', cost: '20', layout: 'log' })) embed.setAttribute(name, value);
      document.querySelector('main').append(embed);
      embed.shadowRoot.querySelector('button[type="submit"]').click();
    });
    await session.browser.waitFor(`cycle ${cycle}'s first log line`, () => document.querySelector('#cycled').shadowRoot.querySelectorAll('[role="log"] li').length > 0);
    await session.browser.execute(() => {
      const embed = document.querySelector('#cycled');
      window.poolscopeApi = embed.run.api; // the module's statics (WebDriver's scripts cannot import)
      embed.remove();
    });
    // Its workers finish their current job (20 ms) and leave; the last one drops the pool.
    await session.browser.waitFor(`cycle ${cycle}'s pool to be freed (pools holding memory: livePools())`,
      () => window.poolscopeApi.livePools() === 0, [], 20_000);
    if (cycle % 10 === 0) sizes.push(await session.browser.execute(() => window.poolscopeApi.memoryBytes()));
  }
  console.log(`wasm memory at cycles 10..60 (Firefox): ${sizes.map((bytes) => (bytes / 1e6).toFixed(1)).join(', ')} MB`);
  assert.deepEqual(sizes.slice(3), [sizes[3], sizes[3], sizes[3]], `the wasm memory holds from cycle 40 to 60 (bytes at cycles 10..60: ${sizes})`);
});
