// Debian's chromium driven by playwright-core, with exactly the flags the project allows (plus the
// pipe Playwright talks over and a fresh profile folder). Never downloads a browser.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.HYDROMON_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
] as const;

export async function launchChromium(): Promise<{ browser: Browser; dispose: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'hydromon-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Our flags only: Playwright's defaults are left out, so it needs its pipe and no startup window.
    ignoreDefaultArgs: true,
    args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--remote-debugging-pipe', '--no-startup-window'],
    timeout: 30_000,
  });
  return {
    browser,
    dispose: async () => {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
