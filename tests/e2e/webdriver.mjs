// A small WebDriver client for the browsers playwright-core cannot drive
// here (it wants its own builds, and none can be downloaded): WebKitGTK's
// MiniBrowser through WebKitWebDriver, and Debian's Firefox ESR through
// geckodriver. Plain HTTP calls, each with its own deadline, so that no
// test can hang.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { startServer } from './harness.mjs';

const DRIVER = process.env.WEBKIT_WEBDRIVER ?? '/usr/bin/WebKitWebDriver';
const MINIBROWSER = process.env.WEBKIT_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const GECKODRIVER = process.env.GECKODRIVER ?? `${process.env.HOME}/.cargo/bin/geckodriver`; // installed by scripts/setup.sh
const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';

/// How to start each browser's driver and session.
const BROWSERS = {
  webkit: {
    driver: DRIVER,
    args: (port) => [`--port=${port}`],
    // WebKitGTK exposes SharedArrayBuffer only with this variable; isolation still decides.
    env: { JSC_useSharedArrayBuffer: '1' },
    needsDisplay: 'WebKitGTK needs a display: run the WebKit tests under xvfb-run -a',
    capabilities: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } },
  },
  firefox: {
    driver: GECKODRIVER,
    args: (port) => ['--port', String(port)],
    env: {},
    capabilities: { browserName: 'firefox', 'moz:firefoxOptions': { binary: FIREFOX, args: ['-headless'] } },
  },
};
// A driver command that takes longer has hung: navigation and scripts are short.
const COMMAND_DEADLINE_MS = 60_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/// One browser window driven over WebDriver.
export class WebDriverSession {
  /// Starts the driver of `browser` (`webkit` or `firefox`) and a session.
  /// WebKit needs a display (run under `xvfb-run -a`: WebKitGTK has no
  /// headless mode); Firefox runs headless.
  static async start(browser) {
    const how = BROWSERS[browser];
    if (how.needsDisplay && !process.env.DISPLAY) throw new Error(how.needsDisplay);
    const port = await freePort();
    const driver = spawn(how.driver, how.args(port), {
      env: { ...process.env, ...how.env },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true, // a process group of its own: see `end`
    });
    let driverErrors = '';
    driver.stderr.on('data', (chunk) => { driverErrors = (driverErrors + chunk).slice(-4000); });
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const status = await (await fetch(`${base}/status`, { signal: AbortSignal.timeout(2_000) })).json();
        if (status.value?.ready) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline || driver.exitCode !== null) {
        end(driver);
        throw new Error(`${how.driver} on port ${port} did not become ready in 20 s: ${driverErrors}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const session = new WebDriverSession(base, driver);
    const created = await session.#command('POST', '/session', { capabilities: { alwaysMatch: how.capabilities } })
      .catch((error) => { end(driver); throw error; });
    session.id = created.sessionId;
    return session;
  }

  constructor(base, driver) {
    this.base = base;
    this.driver = driver;
    this.id = null;
  }

  async #command(method, path, body) {
    let response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(COMMAND_DEADLINE_MS),
      });
    } catch (error) {
      throw new Error(`WebDriver ${method} ${path}: ${error.name === 'TimeoutError' ? `no answer in ${COMMAND_DEADLINE_MS} ms` : error.message}`);
    }
    const answer = await response.json();
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${answer.value?.error}: ${answer.value?.message}`);
    return answer.value;
  }

  navigate(url) {
    return this.#command('POST', `/session/${this.id}/url`, { url });
  }

  /// Runs `fn(...args)` in the page and returns what it returns (JSON).
  execute(fn, ...args) {
    return this.#command('POST', `/session/${this.id}/execute/sync`, { script: `return (${fn}).apply(null, arguments);`, args });
  }

  /// Polls `fn(...args)` in the page until it returns something truthy;
  /// after `timeoutMs` fails naming `what`, the page's state and the last
  /// error `fn` threw. An error counts as "not yet": the page may still be
  /// loading (an element in the DOM before its class is defined has no
  /// shadow root; seen in WebKit under load).
  async waitFor(what, fn, args = [], timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let lastError = null;
    for (;;) {
      let value;
      try {
        value = await this.execute(fn, ...args);
      } catch (error) {
        if (!/javascript error/.test(error.message)) throw error; // the driver or the session failed, not the page
        lastError = error;
      }
      if (value) return value;
      if (Date.now() > deadline) {
        const seen = JSON.stringify(await this.execute(pageState));
        throw new Error(`waited ${timeoutMs} ms for ${what} in vain; the page: ${seen}${lastError ? `; the last check threw: ${lastError.message}` : ''}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async close() {
    if (this.id) await this.#command('DELETE', `/session/${this.id}`).catch(() => {});
    end(this.driver);
  }
}

/// Ends the driver's whole process group. After a page crash ("session
/// deleted because of page crash or hang") MiniBrowser outlived the driver,
/// holding the driver's stderr open, and the test process waited on it
/// for good instead of ending.
function end(driver) {
  try {
    process.kill(-driver.pid, 'SIGKILL');
  } catch { /* already gone */ }
  driver.stderr?.destroy();
  driver.unref();
}

/// Serves www/ and starts a `browserName` session (`firefox` or `webkit`)
/// for one test file, and ends both after it: `session.server` and
/// `session.browser` once `before` has run.
export function useWebDriver(before, after, browserName, serverOptions) {
  const session = {};
  before(async () => {
    session.server = await startServer(serverOptions);
    session.browser = await WebDriverSession.start(browserName);
  });
  after(async () => {
    await session.browser?.close();
    session.server?.stop();
  });
  return session;
}

/// A MiniBrowser window: `WebKitSession.start()`.
export const WebKitSession = { start: () => WebDriverSession.start('webkit') };

/// What a failing wait reports: the playground's state (or an example
/// page's), its counters and the log's tail.
function pageState() {
  const element = document.querySelector('pool-playground, worker-pool-playground');
  const log = element?.shadowRoot?.querySelector('[role="log"]'); // no shadow root before the class is defined
  return {
    url: location.href,
    state: element?.dataset.state ?? document.body.dataset.state,
    status: document.querySelector('#status')?.textContent,
    mode: element?.dataset.mode,
    counters: element?.run?.counters ?? null,
    problems: element?.shadowRoot?.querySelector('.problems')?.textContent ?? '',
    logTail: log ? log.textContent.slice(-300) : '',
  };
}
