// Issue: "stop the real influxd in the middle of a replay, start it again, and count — every
// detection once". The whole path: archive replay → pipeline → monitor → spooled InfluxDB store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.ts';
import { defaultFeatureConfig as cfg } from '../../models/feature-config.ts';
import { initDsp } from '../../streams/dsp/fft.ts';
import type { Detection, StationStatus } from '../../streams/types.ts';
import { startMonitor } from '../../server/monitor.ts';
import { openStationSource } from '../../server/station-source.ts';
import { createInfluxStore } from '../../server/store/influx.ts';
import { spooled } from '../../server/store/spool.ts';
import { startTestInfluxd, type TestInfluxd } from '../helpers/influxd.ts';
import { levelClassifier, levelThreshold } from '../helpers/level-classifier.ts';
import { mix, noise, placeAt, tone, writeWav } from '../helpers/signals.ts';

const SR = 8000;
const DUR = 120;
const dir = mkdtempSync(join(tmpdir(), 'hm-mon-influx-'));
let db: TestInfluxd;
let threshold = 0;
// 2 minutes with a 2 s tone every 10 s: ~12 calls per station.
const sig = (() => {
  let s = noise(DUR, SR, 0.001, 5);
  for (let t = 4; t < DUR - 4; t += 10) s = mix(s, placeAt(tone(1000, 2, SR, 0.3), t, DUR, SR));
  return s;
})();

beforeAll(async () => {
  await initDsp();
  db = await startTestInfluxd();
  threshold = levelThreshold(sig.subarray(0, 2 * SR), sig.subarray(4 * SR, 6 * SR), SR, cfg);
});
afterAll(async () => {
  await db?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('monitor with InfluxDB going away mid-replay', () => {
  it('stores every detection exactly once', async () => {
    const wav = writeWav(join(dir, 'BUOY_20240301_120000.wav'), sig, SR);
    const stations = Array.from({ length: 4 }, (_, i) => ({ id: `b${i}`, source: wav, speed: 12 }));
    const config = configSchema.parse({ stations, clips: false, alerts: { log: false } });
    const store = spooled(createInfluxStore(`${db.url}/hydromon_fault`), { dir: join(dir, 'spool'), retryMs: 50, maxRetryMs: 200, writeTimeoutMs: 1000 });
    const seen: Detection[] = [];
    const statuses = new Map<string, StationStatus>();
    const monitor = startMonitor({ config, store, model: levelClassifier(cfg, threshold), featureConfig: cfg, openSource: openStationSource, log: () => {} });
    monitor.detections$.subscribe((d) => seen.push(d));
    monitor.status$.subscribe((s) => statuses.set(s.station, s));
    try {
      await until('some detections stored', () => seen.length >= 8, 20_000);
      await db.stop('SIGKILL');
      const atKill = seen.length;
      await until('detections while influxd is down', () => seen.length >= atKill + 8, 20_000);
      db = await db.restart();
      await until('the replays to end', () => [...statuses.values()].filter((s) => s.state === 'ended').length === 4, 60_000);
      await until('the store writes to finish', () => Object.values(monitor.metrics().queueDepth).every((n) => n === 0), 20_000);
      expect(await store.drain(20_000)).toBe(true);
      expect(store.stats().spooled).toBeGreaterThan(0); // the outage really went through the spool
    } finally {
      await monitor.stop();
    }
    const emitted = Object.values(monitor.metrics().detections).reduce((a, b) => a + b, 0);
    expect(seen.length).toBe(emitted);
    expect(emitted).toBeGreaterThanOrEqual(4 * 10);
    const check = createInfluxStore(`${db.url}/hydromon_fault`);
    const stored = await check.queryDetections({ from: 0, to: Date.UTC(2030, 0, 1), limit: 100_000 });
    await check.close();
    expect(stored.length).toBe(emitted);
    expect(new Set(stored.map((d) => d.id)).size).toBe(emitted);
    expect(new Set(stored.map((d) => d.id))).toEqual(new Set(seen.map((d) => d.id)));
  }, 120_000);
});
