import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The headless browser the dashboard's tests drive: Debian's chromium, or FLORIN_CHROMIUM. */
export const CHROMIUM = process.env['FLORIN_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Whether browser tests can run here. Under CI (.ci/run installs chromium) a missing Chromium is an error,
 * thrown; elsewhere the tests named by `what` skip, saying so.
 */
export function chromiumPresent(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI'] === 'true' || process.env['CI'] === '1') throw new Error(`the dashboard's browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium, or set FLORIN_CHROMIUM)`);
  console.warn(`${what} skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  return false;
}

/** A headless Chromium (no sandbox: tests run as root in containers; no GPU). Close it with `browser.close()`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}
