// What every end-to-end test needs: the served page, Debian's Chromium
// through playwright-core (no browser download), and the log's contract.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const SERVE = fileURLToPath(new URL('../../scripts/serve.py', import.meta.url));

/// Serves www/ with scripts/serve.py on a free port: `{ origin, stop }`.
/// `isolated: false` leaves out COOP/COEP, as most docs hosts do.
/// `blobWorkers: true` lets wasm-bindgen-rayon's blob: workers through the CSP.
/// `root`: another folder to serve than www/.
/// `docsPolicy: true`: every page gets a docs host's policy (inline scripts and styles allowed), as /book/ does.
export function startServer({ isolated = true, blobWorkers = false, root = '', docsPolicy = false } = {}) {
  const child = spawn('python3', [SERVE], {
    env: { ...process.env, PORT: '0', POOLSCOPE_QUIET: '1', POOLSCOPE_ISOLATION: isolated ? '1' : '0', POOLSCOPE_BLOB_WORKERS: blobWorkers ? '1' : '0', POOLSCOPE_ROOT: root, POOLSCOPE_POLICY: docsPolicy ? 'docs' : '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/http:\/\/[\d.]+:(\d+)\//);
      if (match) resolve({ origin: `http://127.0.0.1:${match[1]}`, stop: () => child.kill() });
    });
    child.on('exit', (code) => reject(new Error(`serve.py exited with ${code} before listening`)));
  });
}

/// A tool's dev server (`node ...args`, given `--host`, `--port` and
/// `--strictPort` as Vite takes them) in `cwd` on a free port:
/// `{ origin, stop }` once it answers `/`.
/// Fails naming `name` if it exits first or does not answer in `deadlineMs`.
export async function startDevServer({ name, args, cwd, env = {}, deadlineMs = 60_000 }) {
  const port = await new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
  const child = spawn(process.execPath, [...args, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before answering on ${origin}`);
    if (await fetch(`${origin}/`).then((response) => response.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`waited ${deadlineMs} ms for ${name} on ${origin} in vain`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { origin, stop: () => child.kill() };
}

// Keep Chromium off the network: this machine has none but the registries.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'poolscope-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

/// A page that records uncaught errors, console errors and CSP violations into `errors`.
export async function openPage(context, url, errors = []) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
    if (process.env.POOLSCOPE_DEBUG) console.log(`[page] ${message.type()}: ${message.text()}`);
  });
  await page.goto(url);
  return page;
}

/// Starts a server and a browser once for a test file.
export function useBrowser(before, after, serverOptions) {
  const session = {};
  before(async () => {
    session.server = await startServer(serverOptions);
    session.browser = await launchChromium();
    session.origin = session.server.origin;
    session.context = session.browser.context;
  });
  after(async () => {
    await session.browser?.close();
    session.server?.stop();
  });
  return session;
}

/// Waits for the playground's `data-state` to be `state`; at the deadline
/// fails naming what it showed (state, status, problems) and its pool's counters.
export async function waitForState(page, state, timeout = 60_000) {
  try {
    await page.locator(`pool-playground[data-state="${state}"]`).waitFor({ timeout });
  } catch {
    const seen = await page.evaluate(() => {
      const playground = document.querySelector('pool-playground');
      return {
        state: playground?.dataset.state,
        status: playground?.shadowRoot.querySelector('.status')?.textContent,
        problems: playground?.shadowRoot.querySelector('.problems')?.textContent,
        counters: JSON.stringify(playground?.run?.counters),
      };
    });
    assert.fail(`waited ${timeout} ms for the playground's state "${state}" in vain: ${JSON.stringify(seen)}`);
  }
}

/// For the example pages (tiles.html, mandelbrot.html): waits for
/// `body[data-state]` to be `state`; at the deadline fails naming what the
/// page showed and the counters of its demo's pool (`window[demo].pool`).
export async function waitForBodyState(page, state, demo, timeout = 60_000) {
  try {
    await page.waitForFunction((state) => document.body.dataset.state === state, state, { timeout });
  } catch {
    const seen = await page.evaluate((demo) => ({
      state: document.body.dataset.state,
      status: document.querySelector('#status')?.textContent,
      counters: JSON.stringify(window[demo]?.pool.counters()),
    }), demo);
    assert.fail(`waited ${timeout} ms for state "${state}" in vain: ${JSON.stringify(seen)}`);
  }
}

/// The log's lines as `{ job, worker }`; fails on a line not in the article's words.
export async function readLog(page) {
  const text = await page.getByRole('log').innerText();
  return text.split('\n').filter((line) => line.trim()).map((line) => {
    const match = line.trim().match(/^Job (\d+) is done by worker (\d+)$/);
    assert.ok(match, `log line in the article's words: ${JSON.stringify(line)}`);
    return { job: Number(match[1]), worker: Number(match[2]) };
  });
}

/// Runs in the page (`page.evaluate` or WebDriver's execute): the run's
/// events as `{ job, worker, started }` and its resizes.
export function readRunModel() {
  const { model } = document.querySelector('pool-playground').run;
  const events = [];
  for (let i = 0; i < model.count; i++) {
    events.push({ job: model.get(i, 'job'), worker: model.get(i, 'worker'), started: model.get(i, 'started') });
  }
  return { events, resizes: model.resizes };
}

/// After the pool grew from `from` to `to` workers mid-run: each new worker
/// took jobs, and started each only after the pool grew to include it.
export function assertNewWorkersStartedAfterGrowing({ events, resizes }, from, to) {
  assert.deepEqual(resizes.map((r) => r.size), Array.from({ length: to - from + 1 }, (_, i) => from + i));
  for (let worker = from + 1; worker <= to; worker++) {
    const grownAt = resizes.find((r) => r.size === worker).atMs;
    const taken = events.filter((e) => e.worker === worker);
    assert.ok(taken.length > 0, `worker ${worker} took jobs`);
    assert.ok(taken.every((e) => e.started >= grownAt), `worker ${worker} started only after the pool grew`);
  }
}

/// Jobs 1..jobs each appear exactly once, on workers within 1..maxWorker.
export function assertEachJobOnce(lines, jobs, maxWorker) {
  assert.equal(lines.length, jobs, `${jobs} log lines`);
  assert.deepEqual(lines.map((l) => l.job).sort((a, b) => a - b), Array.from({ length: jobs }, (_, i) => i + 1),
    'each job exactly once');
  for (const { worker } of lines) assert.ok(worker >= 1 && worker <= maxWorker, `worker ${worker} within 1..${maxWorker}`);
}
