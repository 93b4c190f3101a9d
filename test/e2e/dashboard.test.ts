// The dashboard in a real browser against the real server, fed by FakeMonitor: detections reach the
// feed, the spectrogram draws, history survives a reload, a clip plays, and the page recovers by
// itself when the server restarts. Screenshots go to test-artifacts/ for a human to look at.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../server/app.ts';
import { createEmbeddedStore, type EmbeddedStore } from '../../server/store/embedded.ts';
import type { Detection } from '../../streams/types.ts';
import { column, FakeMonitor } from '../helpers/fake-monitor.ts';
import { chirp, mix, noise, placeAt, writeWav } from '../helpers/signals.ts';
import { hasChromium, launchChromium } from './browser.ts';
// @ts-expect-error: a plain .mjs script without types, shared with `npm start`
import { ensureClient } from '../../scripts/ensure-client.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENT_DIST = join(ROOT, 'client/dist');
const ARTIFACTS = join(ROOT, 'test-artifacts');

if (!hasChromium) console.warn('SKIP test/e2e/dashboard.test.ts: /usr/bin/chromium is missing (apt-get install -y chromium)');

describe.skipIf(!hasChromium)('dashboard in chromium', () => {
  let monitor: FakeMonitor;
  let app: FastifyInstance;
  let url = '';
  let port = 0;
  let browser: Browser;
  let dispose: () => Promise<void>;
  let page: Page;
  let clips: string;
  let store: EmbeddedStore;
  let feeder: ReturnType<typeof setInterval>;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureClient();
    mkdirSync(ARTIFACTS, { recursive: true });
    clips = mkdtempSync(join(tmpdir(), 'hydromon-clips-'));
    mkdirSync(join(clips, 'lab'));
    // A 3 s clip: an up-sweep from 1 to 4 kHz in the middle second, over quiet noise.
    const sr = 16_000;
    writeWav(join(clips, 'lab/orca-1.wav'), mix(noise(3, sr, 0.01, 7), placeAt(chirp(1000, 4000, 1, sr, 0.4), 1, 3, sr)), sr);

    // The real embedded store, so history after a reload comes from disk as it would in production.
    store = createEmbeddedStore({ dir: join(clips, '.store'), batch: { maxDelayMs: 5 } });
    monitor = new FakeMonitor([{ id: 'lab', name: 'Lab hydrophone' }, { id: 'bay', name: 'Bay buoy', kind: 'hls' }], { clipsDir: clips, store });
    monitor.rules = [{ species: 'Orcinus orca', minConfidence: 0.8, minCount: 1 }];
    ({ app, url } = await startServer(monitor, { port: 0 }));
    port = Number(new URL(url).port);
    // Ten columns a second for both stations, with the band drifting so the image changes.
    let k = 0;
    feeder = setInterval(() => {
      k++;
      const t = Date.now();
      monitor.pushColumn(column('lab', t, { n: 128, maxHz: 8000, hz: 1000 + (k % 40) * 100 }));
      monitor.pushColumn(column('bay', t, { n: 128, maxHz: 8000, hz: 3000 }));
      if (k % 10 === 0) {
        monitor.pushStatus({ station: 'lab', state: 'live', rmsDb: -32 - (k % 5), lagS: 0.4, gapS: 0, samples: k * 1600, at: t });
        monitor.pushStatus({ station: 'bay', state: 'stalled', rmsDb: null, lagS: 12, gapS: 3, samples: 0, at: t, message: 'no data for 10 s' });
      }
    }, 100);

    ({ browser, dispose } = await launchChromium());
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await ctx.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(url);
  });

  afterAll(async () => {
    clearInterval(feeder);
    await dispose?.();
    await app?.close();
    await store?.close();
    if (clips) rmSync(clips, { recursive: true, force: true });
  });

  const state = (p: Page) => p.getAttribute('[data-testid="connection-state"]', 'data-state');

  it('connects and shows the stations with their state', async () => {
    await page.waitForSelector('[data-testid="connection-state"][data-state="live"]', { timeout: 10_000 });
    await page.waitForSelector('[data-testid="station-card"][data-station="lab"].live', { timeout: 5000 });
    expect(await page.textContent('[data-station="lab"] [data-testid="station-state"]')).toBe('live');
    expect(await page.textContent('[data-station="bay"] [data-testid="station-state"]')).toBe('stalled');
  });

  it('shows a live detection in the feed within seconds', async () => {
    const now = Date.now();
    const d: Detection = {
      id: 'e2e-orca-1', station: 'lab', species: 'Orcinus orca', confidence: 0.93,
      start: now - 2000, end: now - 1000, model: 'e2e', clip: 'lab/orca-1.wav', freqLowHz: 1000, freqHighHz: 4000,
    };
    const t0 = Date.now();
    await monitor.pushDetection(d);
    const item = await page.waitForSelector('[data-testid="feed-item"][data-id="e2e-orca-1"]', { timeout: 5000 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await item.getAttribute('data-species')).toBe('Orcinus orca');
    expect(await item.textContent()).toContain('93%');
    // A detection below the feed's default threshold (50 %) stays out of it.
    await monitor.pushDetection({ ...d, id: 'e2e-weak', species: 'Delphinus delphis', confidence: 0.2 });
    await page.waitForTimeout(500);
    expect(await page.$('[data-testid="feed-item"][data-id="e2e-weak"]')).toBeNull();
    expect(await page.textContent('[data-station="lab"] [data-testid="station-last"]')).toContain('Orcinus orca');
  });

  it('draws the live spectrogram (pixels change between two reads)', async () => {
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="spectrogram"]')?.getAttribute('data-columns')) > 10, undefined, { timeout: 5000 });
    const read = () => page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="spectrogram-canvas"]')!;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let sum = 0;
      let bright = 0;
      for (let i = 0; i < px.length; i += 4) { sum += px[i] * 3 + px[i + 1] * 5 + px[i + 2] * 7 + (i % 997); if (px[i] + px[i + 1] > 400) bright++; }
      return { sum, bright };
    });
    // A detection over the last second and a half of columns gets a box on the overlay.
    const now = Date.now();
    await monitor.pushDetection({ id: 'e2e-boxed', station: 'lab', species: 'Orcinus orca', confidence: 0.9, start: now - 1500, end: now - 300, model: 'e2e', freqLowHz: 1500, freqHighHz: 5000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="spectrogram"]')?.getAttribute('data-marked')) >= 1, undefined, { timeout: 5000 });
    const a = await read();
    await page.waitForTimeout(600);
    const b = await read();
    expect(a.bright).toBeGreaterThan(0); // the band is drawn in the bright end of the colour map
    expect(b.sum).not.toBe(a.sum);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-live.png'), fullPage: true });
  });

  it('plays the clip and shows its spectrogram in the detail view', async () => {
    await page.click('[data-testid="feed-item"][data-id="e2e-orca-1"]');
    await page.waitForSelector('[data-testid="detection-detail"][data-id="e2e-orca-1"]');
    await page.waitForFunction(() => {
      const a = document.querySelector<HTMLAudioElement>('[data-testid="detail-audio"]');
      return a !== null && a.readyState >= 1 && Number.isFinite(a.duration);
    }, undefined, { timeout: 10_000 });
    const duration = await page.evaluate(() => document.querySelector<HTMLAudioElement>('[data-testid="detail-audio"]')!.duration);
    expect(duration).toBeCloseTo(3, 1);
    await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('[data-testid="detail-spectrogram"]')?.naturalWidth ?? 0) > 0, undefined, { timeout: 10_000 });
    await page.locator('[data-testid="detection-detail"]').screenshot({ path: join(ARTIFACTS, 'dashboard-detail.png') });
  });

  it('shows the detection in the history chart after a reload', async () => {
    await page.reload();
    await page.waitForSelector('[data-testid="connection-state"][data-state="live"]', { timeout: 10_000 });
    const bar = await page.waitForSelector('[data-testid="history-bar"][data-species="Orcinus orca"]', { timeout: 5000 });
    // e2e-orca-1 and e2e-boxed, both in the current hour.
    expect(Number(await bar.getAttribute('data-count'))).toBe(2);
    // The feed is reloaded from the store too.
    await page.waitForSelector('[data-testid="feed-item"][data-id="e2e-orca-1"]', { timeout: 5000 });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-history.png'), fullPage: true });
  });

  it('shows reconnecting when the server goes away and is live again after it restarts', async () => {
    await app.close();
    await page.waitForSelector('[data-testid="connection-state"][data-state="reconnecting"]', { timeout: 5000 });
    expect(await page.textContent('[data-testid="connection-state"]')).toContain('reconnecting');
    await page.waitForSelector('[data-testid="stale-note"]');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-reconnecting.png') });
    ({ app } = await startServer(monitor, { port }));
    await page.waitForSelector('[data-testid="connection-state"][data-state="live"]', { timeout: 15_000 });
    // The new connection carries live data again.
    const now = Date.now();
    await monitor.pushDetection({ id: 'e2e-after-restart', station: 'lab', species: 'Megaptera novaeangliae', confidence: 0.88, start: now - 1000, end: now, model: 'e2e' });
    await page.waitForSelector('[data-testid="feed-item"][data-id="e2e-after-restart"]', { timeout: 5000 });
    // Laptop and narrow widths: nothing sticks out sideways.
    for (const width of [1280, 820]) {
      await page.setViewportSize({ width, height: 1000 });
      await page.waitForTimeout(100);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `horizontal overflow at ${width}px`).toBeLessThanOrEqual(0);
    }
    // Tall enough for no scrollbar: fullPage shots of a scrolling page are clipped by its width.
    await page.setViewportSize({ width: 820, height: 1300 });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-narrow.png') });
    expect(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
  });

  it('with a token: says how to get in without it, and works with ?token=', async () => {
    const guarded = await startServer(monitor, { port: 0, token: 'e2e-secret' });
    try {
      const p = await browser.newPage();
      await p.goto(guarded.url);
      const err = await p.waitForSelector('[data-testid="load-error"]', { timeout: 5000 });
      expect(await err.textContent()).toMatch(/\?token=/);
      expect(await state(p)).not.toBe('live');
      await p.goto(`${guarded.url}/?token=e2e-secret`);
      await p.waitForSelector('[data-testid="connection-state"][data-state="live"]', { timeout: 10_000 });
      await p.waitForSelector('[data-testid="feed-item"][data-id="e2e-orca-1"]', { timeout: 5000 });
      expect(await p.$('[data-testid="load-error"]')).toBeNull();
      await p.close();
    } finally {
      await guarded.app.close();
    }
  });
});
