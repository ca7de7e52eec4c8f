// Debian's chromium driven by playwright-core (never Playwright's own download), for the tests that open the
// HTML reports and parse Mermaid text. Every page is offline: each request the page makes is recorded and
// aborted, so a test can say none went out; console errors and page errors are recorded the same way.
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** The system's chromium (scripts/test-tools.mjs installs it before vitest starts). */
export function chromiumPath(): string {
  return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** One browser for a test file: launched before its tests, closed after them; the getter gives it to the tests. */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('chromium is not open: useChromium() gives the browser to tests and to hooks registered after it');
    return browser;
  };
}

export interface WatchedPage {
  readonly page: Page;
  /** URLs the page asked for, every one refused (the report file itself, when named, is let through). */
  readonly requests: string[];
  readonly errors: string[];
}

/** A page whose every network request is refused and recorded, with console errors and uncaught exceptions. */
export async function watchedPage(browser: Browser, viewport = { width: 1280, height: 900 }, document?: string): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport });
  const requests: string[] = [];
  const errors: string[] = [];
  // The report's own file is the one load allowed; anything it asks for after is recorded and refused.
  await page.route('**/*', async (route) => {
    if (document !== undefined && route.request().url() === document) return route.continue();
    requests.push(route.request().url());
    await route.abort();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, requests, errors };
}
