// The same browser checks against a monitor that is already running (the real pipeline, e.g.
// `npm start -- --replay recordings/ --port 18123`): set HYDROMON_E2E_URL=http://127.0.0.1:18123
// (with ?token=… if it needs one). Skipped otherwise. It waits for the monitor's own detections.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './browser.ts';

const URL_ = process.env.HYDROMON_E2E_URL ?? '';
const WAIT_MS = Number(process.env.HYDROMON_E2E_WAIT_S ?? 120) * 1000;
const ARTIFACTS = join(fileURLToPath(new URL('../..', import.meta.url)), 'test-artifacts');

if (!URL_) console.warn('SKIP test/e2e/dashboard-live-monitor.test.ts: set HYDROMON_E2E_URL to a running monitor to run it');

describe.skipIf(!URL_ || !hasChromium)('dashboard against a running monitor', () => {
  let browser: Browser;
  let dispose: () => Promise<void>;
  let page: Page;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ browser, dispose } = await launchChromium());
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(URL_);
  });
  afterAll(async () => { await dispose?.(); });

  it('connects and lists the stations', async () => {
    await page.waitForSelector('[data-testid="connection-state"][data-state="live"]', { timeout: 15_000 });
    expect((await page.$$('[data-testid="station-card"]')).length).toBeGreaterThan(0);
  });

  it('draws the spectrogram of the selected station', async () => {
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="spectrogram"]')?.getAttribute('data-columns')) > 5, undefined, { timeout: WAIT_MS });
    const read = () => page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="spectrogram-canvas"]')!;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let sum = 0;
      for (let i = 0; i < px.length; i += 4) sum += px[i] * 3 + px[i + 1] * 5 + px[i + 2] * 7 + (i % 997);
      return sum;
    });
    const a = await read();
    await page.waitForTimeout(2000);
    expect(await read()).not.toBe(a);
  });

  it('shows the monitor\'s detections, plays a clip, and charts them after a reload', async () => {
    await page.locator('[data-testid="feed-confidence"]').fill('0');
    const item = await page.waitForSelector('[data-testid="feed-item"]', { timeout: WAIT_MS });
    const species = await item.getAttribute('data-species');
    expect(species).toBeTruthy();
    await item.click();
    await page.waitForSelector('[data-testid="detection-detail"]');
    if (await page.$('[data-testid="detail-audio"]')) {
      await page.waitForFunction(() => (document.querySelector<HTMLAudioElement>('[data-testid="detail-audio"]')?.readyState ?? 0) >= 1, undefined, { timeout: 15_000 });
    }
    await page.screenshot({ path: join(ARTIFACTS, 'live-monitor.png'), fullPage: true });
    await page.reload();
    await page.waitForSelector('[data-testid="connection-state"][data-state="live"]', { timeout: 15_000 });
    await page.waitForSelector(`[data-testid="history-bar"]`, { timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'live-monitor-history.png'), fullPage: true });
  });
});
