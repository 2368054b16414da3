// Launches Debian's Chromium through playwright-core: no browser download.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Keep Chromium off the network: this machine has none but the registries.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'poolscope-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

/// A page that fails the test on any uncaught error or console error.
export async function openPage(context, url, errors = []) {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
    if (process.env.POOLSCOPE_DEBUG) console.log(`[page] ${message.type()}: ${message.text()}`);
  });
  await page.goto(url);
  return page;
}
