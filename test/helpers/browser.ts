/**
 * @module Headless Chromium for the browser tests: Debian's `/usr/bin/chromium` driven by
 * playwright-core (which never downloads a browser), one browser per test file with a fresh
 * profile, and screenshots written to `test/artifacts/` for reviewers.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** The system Chromium (installed by `.ci/run` with apt-get when missing). */
export const CHROMIUM = "/usr/bin/chromium";

/** Where screenshots go (git-ignored). */
export const ARTIFACTS_DIR = join(import.meta.dir, "../artifacts");

/** Desktop and phone viewports of the screenshots. */
export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/**
 * Launches headless Chromium with a fresh temporary profile, no network chatter of its own.
 * @throws {Error} naming the missing binary and how to install it.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/** Saves a screenshot of `page` as `test/artifacts/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Waits until the page's connection badge says `state` (connected, pairing, …). */
export async function waitForConnection(page: Page, state: string, timeoutMs = 10_000): Promise<void> {
  await page.locator(`.badge[data-state="${state}"]`).waitFor({ timeout: timeoutMs });
}

/** This browser's device id as the page shows it (the badge's title). */
export async function pageDeviceId(page: Page): Promise<string> {
  const title = await page.locator(".badge").getAttribute("title");
  return title?.replace(/^device /, "") ?? "";
}
