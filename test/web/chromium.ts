import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, as every browser test drives it (.ci/run installs it). */
const CHROMIUM = '/usr/bin/chromium';

/** Fails with how to install it when Debian's Chromium is missing (before a test's costly set-up). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser tests need Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (.ci/run does this)`);
}

export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/**
 * Collects in `errors` what a page of ours must never do: throw, be blocked by the server's
 * Content-Security-Policy (issue 14: the policy must let the pages do all they do), or reach
 * outside the server (such requests are aborted).
 */
export async function guardPage(page: Page, errors: string[]): Promise<void> {
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  await page.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => {
    errors.push(`outside request: ${route.request().url()}`);
    return route.abort();
  });
}
