/**
 * A real headless Chromium for the page tests and the screenshots: the system's own browser
 * (Debian's `chromium` package), driven by playwright-core, which never downloads a browser of its own.
 *
 * - CHROMIUM_BINARY: the browser executable. Default: /usr/bin/chromium.
 * - Every launch gets a fresh profile directory (removed on close), so no state carries over.
 */
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Where Debian puts its Chromium. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** How to get one on Debian/Ubuntu (what .ci/run does when it is missing). */
export const CHROMIUM_INSTALL_COMMAND = "sudo apt-get install -y chromium";

/**
 * Chromium's switches for a quiet, offline, throwaway run: no sandbox (containers and root, as in
 * CI), no GPU, and none of the background traffic (component updates, sync, first-run pages).
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
] as const;

/** The Chromium executable to use, or null when there is none. */
export function chromiumBinary(): string | null {
  const bin = process.env.CHROMIUM_BINARY || DEFAULT_CHROMIUM;
  try {
    accessSync(bin, constants.X_OK);
    return bin;
  } catch {
    return null;
  }
}

/** A running browser: one context with a fresh profile. */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh `--user-data-dir` (playwright's persistent context over a new directory). */
export async function launchBrowser(options: { executablePath?: string; viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? chromiumBinary();
  if (!executablePath) throw new Error(`no Chromium at ${process.env.CHROMIUM_BINARY || DEFAULT_CHROMIUM}: ${CHROMIUM_INSTALL_COMMAND} (or set CHROMIUM_BINARY)`);
  const profile = mkdtempSync(join(tmpdir(), "globalapp-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
