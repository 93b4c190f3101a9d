// The dashboard against the real thing: `hydromon run` as a child process with a station replaying
// a real Southern Resident killer-whale recording (from HYDROMON_DATA) through the real pipeline,
// the shipped model, the embedded store and the clip writer, watched in Debian's chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './browser.ts';
// @ts-expect-error: a plain .mjs script without types, shared with `npm start`
import { ensureClient } from '../../scripts/ensure-client.mjs';
import { dataRoot } from '../../models/paths.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(root, 'test-artifacts');
const data = dataRoot();
const recording = join(data, 'killer-whale-srkw', 'S_1.wav');
const hasData = existsSync(recording);
if (!hasData) console.warn(`SKIP test/e2e/dashboard-real-monitor.test.ts: ${recording} not found (set HYDROMON_DATA)`);
if (!hasChromium) console.warn('SKIP test/e2e/dashboard-real-monitor.test.ts: /usr/bin/chromium not installed');

const dir = mkdtempSync(join(tmpdir(), 'hm-e2e-real-'));
const config = join(dir, 'stations.yaml');
let child: ChildProcess | null = null;
let url = '';

function startMonitor(port = 0): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const c = spawn(process.execPath, [join(root, 'bin', 'hydromon.mjs'), 'run', '--config', config, '--port', String(port)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let err = '';
    const timer = setTimeout(() => reject(new Error(`hydromon run did not start:\n${err}`)), 60_000);
    c.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /dashboard at (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    c.on('exit', (code) => {
      clearTimeout(timer);
      if (!url) reject(new Error(`hydromon run exited with ${code}:\n${err}`));
    });
  });
}

function stopMonitor(): Promise<void> {
  return new Promise((r) => {
    if (!child || child.exitCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGTERM');
  });
}

describe.skipIf(!hasData || !hasChromium)('dashboard on the real monitor replaying a real recording', () => {
  let browser: Browser;
  let dispose: () => Promise<void>;
  let page: Page;

  beforeAll(async () => {
    ensureClient(); // the real server serves client/dist
    mkdirSync(ARTIFACTS, { recursive: true });
    // Named with a time so the history chart has a known hour; looped so it keeps calling.
    const archive = join(dir, 'archive');
    mkdirSync(archive);
    const { copyFileSync } = await import('node:fs');
    copyFileSync(recording, join(archive, 'SRKW_20240601_120000.wav'));
    writeFileSync(
      config,
      [
        'stations:',
        `  - { id: haro, name: Haro Strait replay, source: ${archive}, speed: 1, loop: true }`,
        `store: { dataDir: ${join(dir, 'data')} }`,
        `clips: { dir: ${join(dir, 'clips')}, preRollS: 0.5, postRollS: 0.5 }`,
        'alerts: { log: false }',
        '',
      ].join('\n'),
    );
    url = await startMonitor();
    ({ browser, dispose } = await launchChromium());
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await page.goto(url);
  }, 120_000);

  afterAll(async () => {
    await dispose?.();
    await stopMonitor();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the station live and a Killer Whale detection in the feed within seconds', async () => {
    await page.waitForSelector('[data-testid="connection-state"][data-state="live"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="station-card"][data-station="haro"]', { timeout: 10_000 });
    await page.locator('[data-testid="feed-confidence"]').fill('0');
    const item = await page.waitForSelector('[data-testid="feed-item"][data-species="Killer Whale"]', { timeout: 20_000 });
    expect(await item.getAttribute('data-species')).toBe('Killer Whale');
  }, 60_000);

  it('draws the live spectrogram (pixels change)', async () => {
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="spectrogram"]')?.getAttribute('data-columns')) > 5, undefined, { timeout: 20_000 });
    const read = () =>
      page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="spectrogram-canvas"]')!;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let sum = 0;
        for (let i = 0; i < px.length; i += 4) sum += px[i] * 3 + px[i + 1] * 5 + px[i + 2] * 7;
        return sum;
      });
    const a = await read();
    await page.waitForTimeout(2000);
    expect(await read()).not.toBe(a);
  }, 40_000);

  it('plays the detection clip and shows its spectrogram', async () => {
    await page.click('[data-testid="feed-item"][data-species="Killer Whale"]');
    await page.waitForSelector('[data-testid="detection-detail"]');
    await page.waitForFunction(() => (document.querySelector<HTMLAudioElement>('[data-testid="detail-audio"]')?.readyState ?? 0) >= 1, undefined, { timeout: 20_000 });
    const duration = await page.evaluate(() => document.querySelector<HTMLAudioElement>('[data-testid="detail-audio"]')!.duration);
    expect(duration).toBeGreaterThan(1);
    await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('[data-testid="detail-spectrogram"]')?.naturalWidth ?? 0) > 0, undefined, { timeout: 20_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'real-monitor.png'), fullPage: true });
  }, 60_000);

  it('charts the detections per hour after a reload', async () => {
    await page.reload();
    await page.waitForSelector('[data-testid="connection-state"][data-state="live"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="history-bar"][data-species="Killer Whale"]', { timeout: 20_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'real-monitor-history.png'), fullPage: true });
  }, 60_000);

  it('recovers after the monitor restarts', async () => {
    const port = Number(new URL(url).port);
    await stopMonitor();
    await page.waitForSelector('[data-testid="connection-state"][data-state="reconnecting"]', { timeout: 20_000 });
    url = await startMonitor(port);
    await page.waitForSelector('[data-testid="connection-state"][data-state="live"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="feed-item"][data-species="Killer Whale"]', { timeout: 30_000 });
  }, 90_000);
});
