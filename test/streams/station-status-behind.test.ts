// A paced archive replay whose pipeline cannot keep up shows how far behind its schedule it is;
// one that keeps up shows 0; an unpaced one (speed max) has no such figure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFeatureConfig as cfg } from '../../models/feature-config.ts';
import { initDsp } from '../../streams/dsp/fft.ts';
import { archiveSource } from '../../streams/sources/archive.ts';
import type { ReplaySpeed } from '../../streams/operators/pace.ts';
import { stationPipeline } from '../../streams/station.ts';
import type { StationStatus, WindowClassifier } from '../../streams/types.ts';
import { levelClassifier } from '../helpers/level-classifier.ts';
import { tone, writeWav } from '../helpers/signals.ts';
import { slowClassifier } from '../helpers/slow-classifier.ts';

const SR = 16_000;
let dir: string;
let wav: string;
beforeAll(async () => {
  await initDsp();
  dir = mkdtempSync(join(tmpdir(), 'hm-behind-'));
  wav = writeWav(join(dir, 'lab_20240315_120000.wav'), tone(500, 60, SR, 0.3), SR);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the station for `ms` of wall time; every status it emitted. */
function statuses(speed: ReplaySpeed, model: WindowClassifier, ms: number): Promise<StationStatus[]> {
  const out: StationStatus[] = [];
  return new Promise((resolve, reject) => {
    const sub = stationPipeline({
      station: 'lab',
      source: (ctx) => archiveSource({ station: ctx.station, path: wav, speed, report: ctx.report }),
      featureConfig: cfg,
      sliding: { durationS: 2, hopS: 0.5 },
      model,
      restart: false,
      statusEveryMs: 100,
    }).subscribe({ next: (e) => { if (e.type === 'status') out.push(e.status); }, error: reject });
    setTimeout(() => { sub.unsubscribe(); resolve(out); }, ms);
  });
}

const live = (s: StationStatus[]): StationStatus[] => s.filter((x) => x.state === 'live');

describe('StationStatus.behindS of a paced archive replay', () => {
  it('grows when the pipeline cannot meet the speed (a 200 ms classifier per 0.5 s hop at speed 4)', async () => {
    // The pipeline manages 0.5 s of audio per 200 ms = 2.5× real time; speed 4 asks for more,
    // so the replay falls behind by about 1.5 s of audio per wall second.
    const s = live(await statuses(4, slowClassifier(cfg, 200), 2500));
    const behind = s.map((x) => x.behindS ?? Number.NaN);
    expect(behind.every((b) => Number.isFinite(b))).toBe(true);
    const last = behind[behind.length - 1];
    expect(last).toBeGreaterThan(1.5);
    expect(last).toBeLessThan(4 * 3.5); // never more than the schedule itself (speed × wall time, with slack for the last blocked batch)
    // It grows over time rather than jumping once.
    const mid = behind[Math.floor(behind.length / 2)];
    expect(last).toBeGreaterThan(mid);
    // lagS (the latest chunk's processing time) does not show this at all.
    expect(Math.max(...s.map((x) => x.lagS))).toBeLessThan(0.5);
  });

  it('stays 0 when the pipeline keeps up (same slow classifier at speed 1)', async () => {
    const s = live(await statuses(1, slowClassifier(cfg, 200), 1500));
    expect(s.length).toBeGreaterThan(5);
    expect(s.every((x) => x.behindS !== undefined)).toBe(true);
    expect(s[s.length - 1].behindS).toBe(0);
    expect(Math.max(...s.map((x) => x.behindS ?? 0))).toBeLessThan(0.5);
  });

  it('is absent for an unpaced replay (speed max)', async () => {
    const s = live(await statuses('max', levelClassifier(cfg, 0), 300));
    expect(s.length).toBeGreaterThan(0);
    expect(s.every((x) => x.behindS === undefined)).toBe(true);
  });
});
