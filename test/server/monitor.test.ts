import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.ts';
import { defaultFeatureConfig as cfg } from '../../models/feature-config.ts';
import { initDsp } from '../../streams/dsp/fft.ts';
import type { StationStatus } from '../../streams/types.ts';
import { startMonitor } from '../../server/monitor.ts';
import { openStationSource } from '../../server/station-source.ts';
import { createEmbeddedStore } from '../../server/store/embedded.ts';
import { levelClassifier, levelThreshold } from '../helpers/level-classifier.ts';
import { mix, noise, placeAt, tone, writeWav } from '../helpers/signals.ts';

const dir = mkdtempSync(join(tmpdir(), 'hm-monitor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SR = 8000;
// 6 s: noise, with a 1 kHz tone from 2 to 4 s.
const sig = mix(noise(6, SR, 0.001, 3), placeAt(tone(1000, 2, SR, 0.3), 2, 6, SR));
let threshold = 0;

beforeAll(async () => {
  await initDsp();
  threshold = levelThreshold(sig.subarray(0, 2 * SR), sig.subarray(2 * SR, 4 * SR), SR, cfg);
});

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('monitor', () => {
  it('runs 100 stations, one of them on a broken file: the other 99 detect and store everything', async () => {
    const good = writeWav(join(dir, 'REC_20240101_000000.wav'), sig, SR);
    const bad = join(dir, 'broken', 'REC_20240101_000000.wav');
    await import('node:fs').then((fs) => fs.mkdirSync(join(dir, 'broken')));
    writeFileSync(bad, Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt \x02\x00'));
    const stations = Array.from({ length: 100 }, (_, i) => ({
      id: `st${String(i).padStart(3, '0')}`,
      source: i === 42 ? join(dir, 'broken') : good,
      speed: 'max' as const,
    }));
    const config = configSchema.parse({ stations, clips: false, alerts: { log: false } });
    const store = createEmbeddedStore({ dir: join(dir, 'data') });
    const model = levelClassifier(cfg, threshold);
    const statuses = new Map<string, StationStatus>();
    const logs: string[] = [];
    const monitor = startMonitor({ config, store, model, featureConfig: cfg, openSource: openStationSource, log: (m) => logs.push(m) });
    monitor.status$.subscribe((s) => statuses.set(s.station, s));
    let detections = 0;
    monitor.detections$.subscribe(() => detections++);
    try {
      await until('99 stations to end', () => [...statuses.values()].filter((s) => s.state === 'ended').length === 99, 90_000);
      await until('the store writes to finish', () => Object.values(monitor.metrics().queueDepth).every((n) => n === 0), 20_000);
      expect(Object.values(monitor.metrics().detections).reduce((a, b) => a + b, 0)).toBe(detections);
      const perStation = detections / 99;
      expect(Number.isInteger(perStation)).toBe(true);
      expect(perStation).toBeGreaterThanOrEqual(2);
      const broken = statuses.get('st042');
      expect(broken?.state === 'faulted' || broken?.state === 'connecting').toBe(true);
      expect(logs.join('\n') + (broken?.message ?? '')).toMatch(/broken/);
      const stored = await store.queryDetections({ from: 0, to: Date.UTC(2030, 0, 1), limit: 100_000 });
      expect(stored.length).toBe(detections);
      expect(new Set(stored.map((d) => d.station)).size).toBe(99);
      const t0 = Date.UTC(2024, 0, 1);
      // Windows touching the tone (2–4 s) and none of the noise-only start.
      expect(stored.every((d) => d.species === 'Tone' && d.start >= t0 + 1000 && d.end <= t0 + 6000)).toBe(true);
      expect(stored.filter((d) => d.start === t0 + 2000 && d.end === t0 + 4000)).toHaveLength(99);
      expect(monitor.metrics().windowsProcessed.st000).toBe(6);
    } finally {
      await monitor.stop();
    }
  }, 120_000);
});
