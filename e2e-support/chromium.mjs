/**
 * Launches Debian's Chromium for the end-to-end tests and the consumer
 * matrix. Playwright drives it but never downloads a browser of its own.
 * Plain JavaScript, so the matrix's scripts (plain Node) and the TypeScript
 * tests share it.
 */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Headless, and without the background services that would reach for the
 * network: a closed network refuses them, many at a time.
 */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
