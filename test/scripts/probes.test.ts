// The measurement scripts' probe signals: square waves at their pitch, held-out whine draws, and
// shrimp by snap rate counted as detections the way the model card reports them.
import { beforeAll, describe, expect, it } from 'vitest';
import { squareWaves, whineProbes } from '../../scripts/fault-inputs.ts';
import { SNAP_RATES, shrimpByRate } from '../../scripts/sea-noise-check.ts';
import { featureConfigAt } from '../../models/feature-config.ts';
import { initDsp } from '../../streams/dsp/fft.ts';
import { levelClassifier } from '../helpers/level-classifier.ts';
import { peak } from '../helpers/signals.ts';

const sr = 48000;
beforeAll(async () => { await initDsp(); });

describe('fault-inputs probes', () => {
  it('square waves are ±0.9 at their named pitch', () => {
    for (const [name, x] of Object.entries(squareWaves(sr))) {
      expect(x.every((v) => Math.abs(v) === Math.fround(0.9))).toBe(true);
      let rises = 0;
      for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 && x[i] > 0) rises++;
      expect(Math.abs(rises - 2 * Number.parseInt(name, 10))).toBeLessThanOrEqual(1); // 2 s
    }
  });

  it('whine probes: 25 draws, the same every time, peaks between −50 and −3 dBFS', () => {
    const a = whineProbes(sr), b = whineProbes(sr);
    expect(a).toHaveLength(25);
    expect(a.map((x) => Array.from(x.subarray(0, 64)))).toEqual(b.map((x) => Array.from(x.subarray(0, 64))));
    for (const x of a) {
      const db = 20 * Math.log10(peak(x));
      expect(db).toBeGreaterThan(-50.1);
      expect(db).toBeLessThan(-2.9);
    }
  });
});

describe('shrimpByRate', () => {
  it('counts species answers per snap rate, and background as none', () => {
    const cfg = featureConfigAt(32000);
    // a classifier that names every window a species, and one that names none
    const all = shrimpByRate(levelClassifier(cfg, -Infinity), sr, 3);
    expect(all.map((x) => x.rate)).toEqual([...SNAP_RATES]);
    expect(all.every((x) => x.n === 3 && x.detections === 3)).toBe(true);
    const none = shrimpByRate(levelClassifier(cfg, Infinity), sr, 3);
    expect(none.every((x) => x.n === 3 && x.detections === 0)).toBe(true);
  });
});
