// Synthetic fault-signal background: reproducible, labelled background, every kind present, and
// the signals are what their names say.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SYNTHETIC_KINDS, faultSignal, parseSyntheticKinds, seaNoiseBackground, syntheticBackground } from '../../models/synthetic-background.ts';
import { bandPower, peak } from '../helpers/signals.ts';
import { SEA_NOISE_KINDS } from '../../models/sea-noise.ts';
import { featureConfigAt } from '../../models/feature-config.ts';
import { seededRandom } from '../../models/random.ts';
import { initDsp } from '../../streams/dsp/fft.ts';

const cfg = featureConfigAt(16000);

describe('faultSignal', () => {
  const n = 16000, sr = 16000;
  const mean = (x: Float32Array) => x.reduce((a, b) => a + b, 0) / x.length;
  it('dc sits at its level, clipped never exceeds it, quiet is far below it', () => {
    const r = seededRandom(1);
    expect(Math.abs(mean(faultSignal('dc', n, sr, -6, r)))).toBeCloseTo(10 ** (-6 / 20), 3);
    expect(peak(faultSignal('clipped', n, sr, -10, r))).toBeLessThanOrEqual(10 ** (-10 / 20) + 1e-7);
    expect(peak(faultSignal('quiet', n, sr, -6, r))).toBeLessThan(1e-3);
  });
  it('hum has its power at 50 or 60 Hz, brown noise is low-heavy, white is not', () => {
    const r = seededRandom(2);
    // power of x at frequency f (one DFT bin)
    const at = (x: Float32Array, f: number) => { let c = 0, s = 0; x.forEach((v, i) => { c += v * Math.cos(2 * Math.PI * f * i / sr); s += v * Math.sin(2 * Math.PI * f * i / sr); }); return (c * c + s * s) / x.length; };
    const hum = faultSignal('hum', n, sr, -6, r);
    expect(Math.max(at(hum, 50), at(hum, 60))).toBeGreaterThan(1000 * at(hum, 1000));
    const brown = faultSignal('brown', n, sr, -6, r), white = faultSignal('white', n, sr, -6, r);
    expect(at(brown, 20) / at(brown, 4000)).toBeGreaterThan(100);
    expect(at(white, 20) / at(white, 4000)).toBeLessThan(100);
  });
});

describe('whine', () => {
  it('holds one pitch with its harmonics at the level asked, and changes pitch between draws', () => {
    const sr = 32000, n = 32000, r = seededRandom(4);
    const pitches = Array.from({ length: 6 }, () => {
      const x = faultSignal('whine', n, sr, -12, r);
      expect(peak(x)).toBeLessThan(10 ** (-12 / 20) * 1.01);
      expect(peak(x)).toBeGreaterThan(10 ** (-12 / 20) * 0.99);
      // periodic: the best autocorrelation lag between 8 and 320 samples (4 kHz–100 Hz) is near 1
      let best = 0, lag = 0;
      for (let L = 8; L <= 320; L++) {
        let c = 0, e = 0;
        for (let i = 0; i + L < n; i++) { c += x[i] * x[i + L]; e += x[i] * x[i]; }
        if (c / e > best) { best = c / e; lag = L; }
      }
      expect(best).toBeGreaterThan(0.9);
      // not a pure tone: harmonics above the second hold a good share of the fundamental's power
      // (a square wave's hold 0.23 of it, a sawtooth's 0.39; bandPower is per bin, so × width)
      const f0 = sr / lag;
      expect(bandPower(x, sr, 2.5 * f0, sr / 2) * (sr / 2 - 2.5 * f0)).toBeGreaterThan(0.1 * bandPower(x, sr, 0.5 * f0, 1.5 * f0) * f0);
      return Math.round(f0);
    });
    expect(new Set(pitches).size).toBeGreaterThan(3);
  });

  it('is drawn only when asked for; kinds are parsed and unknown ones named', async () => {
    await initDsp();
    expect(syntheticBackground(cfg, 8, 3).some((e) => e.source.endsWith(':whine'))).toBe(false);
    expect(new Set(syntheticBackground(cfg, 4, 3, 2, ['whine', 'hum']).map((e) => e.source.split(':')[1]))).toEqual(new Set(['whine', 'hum']));
    expect(parseSyntheticKinds('white, whine,white')).toEqual(['white', 'whine']);
    expect(() => parseSyntheticKinds('white,buzz')).toThrow('synthetic background kinds must be some of white, pink, brown, dc, hum, clipped, quiet, whine, not "white,buzz"');
  });
});

describe('syntheticBackground', () => {
  it('gives `count` background feature matrices of every kind, the same for the same seed', async () => {
    await initDsp();
    const a = syntheticBackground(cfg, 14, 3), b = syntheticBackground(cfg, 14, 3), c = syntheticBackground(cfg, 14, 4);
    expect(a).toHaveLength(14);
    expect(new Set(a.map((e) => e.label))).toEqual(new Set(['background']));
    expect(new Set(a.map((e) => e.source.split(':')[1]))).toEqual(new Set(DEFAULT_SYNTHETIC_KINDS));
    a.forEach((e) => { expect(e.x).toHaveLength(cfg.frames * cfg.nMfcc); expect(e.x.every(Number.isFinite)).toBe(true); });
    expect(a.map((e) => Array.from(e.x))).toEqual(b.map((e) => Array.from(e.x)));
    expect(Array.from(a[0].x)).not.toEqual(Array.from(c[0].x));
  });

  it('sea noise: `count` background examples of every kind, its own random stream', async () => {
    await initDsp();
    const a = seaNoiseBackground(cfg, 8, 3), b = seaNoiseBackground(cfg, 8, 3), faults = syntheticBackground(cfg, 8, 3);
    expect(a).toHaveLength(8);
    expect(new Set(a.map((e) => e.label))).toEqual(new Set(['background']));
    expect(new Set(a.map((e) => e.source.split(':')[1]))).toEqual(new Set(SEA_NOISE_KINDS));
    expect(a.map((e) => Array.from(e.x))).toEqual(b.map((e) => Array.from(e.x)));
    a.forEach((e) => expect(e.x.every(Number.isFinite)).toBe(true));
    expect(Array.from(a[0].x)).not.toEqual(Array.from(faults[0].x));
  });
  it('sea noise restricted to some kinds gives only those', async () => {
    await initDsp();
    expect(new Set(seaNoiseBackground(cfg, 6, 3, 2, ['ship', 'rain']).map((e) => e.source.split(':')[1]))).toEqual(new Set(['ship', 'rain']));
  });
});
