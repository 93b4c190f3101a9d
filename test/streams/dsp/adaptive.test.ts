import { beforeAll, describe, expect, it } from 'vitest';
import { adaptiveHopMel, fixedFeatures, fixedMel, poolMel } from '../../../streams/dsp/adaptive.ts';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { melFrequencies } from '../../../streams/dsp/mel.ts';
import { melPowerFrames } from '../../../streams/dsp/mfcc.ts';
import type { FeatureConfig } from '../../../streams/types.ts';
import { noise, tone } from './signals.ts';

const cfg: FeatureConfig = {
  sampleRate: 16000,
  nFft: 1024,
  hop: 512,
  nMels: 64,
  nMfcc: 20,
  fmin: 0,
  fmax: 8000,
  frames: 32,
  center: true,
  padMode: 'reflect',
  topDb: 80,
};

beforeAll(async () => {
  await initDsp();
});

function band(freq: number): number {
  const c = melFrequencies(cfg.nMels + 2, cfg.fmin, cfg.fmax).subarray(1, cfg.nMels + 1);
  let b = 0;
  for (let i = 1; i < c.length; i++) if (Math.abs(c[i] - freq) < Math.abs(c[b] - freq)) b = i;
  return b;
}

describe('fixedFeatures: every duration → T × nMfcc', () => {
  it.each([0.01, 0.05, 0.5, 1.024, 3, 20])('%s s of noise gives a finite T × nMfcc matrix', (sec) => {
    const x = noise(Math.round(sec * cfg.sampleRate), 0.1, 11);
    const f = fixedFeatures({ samples: x, sampleRate: cfg.sampleRate }, cfg);
    expect(f.length).toBe(cfg.frames * cfg.nMfcc);
    for (const v of f) expect(Number.isFinite(v)).toBe(true);
  });

  it('a 0.05 s click gets T genuine frames (adaptive hop), peaking where the click is', () => {
    const n = Math.round(0.05 * cfg.sampleRate); // 800 samples: 2 frames at hop 512
    const x = new Float32Array(n);
    x[200] = 1; // a click a quarter of the way in
    const mel = fixedMel({ samples: x, sampleRate: cfg.sampleRate }, cfg);
    const energy = (t: number): number => mel.subarray(t * cfg.nMels, (t + 1) * cfg.nMels).reduce((a, b) => a + b, 0);
    const e = Array.from({ length: cfg.frames }, (_, t) => energy(t));
    // frames are not copies of each other: the click's weight under the moving window varies
    expect(new Set(e.map((v) => v.toPrecision(6))).size).toBeGreaterThan(cfg.frames / 2);
    // frame centres: (t + ½)·800/32 = 25t + 12.5 → the click at 200 sits under frame ~7
    const peak = e.indexOf(Math.max(...e));
    expect(Math.abs(peak - 7.5)).toBeLessThanOrEqual(1.5);
    // and the MFCC matrix varies from frame to frame too
    const f = fixedFeatures({ samples: x, sampleRate: cfg.sampleRate }, cfg);
    expect(f[0 * cfg.nMfcc]).not.toBeCloseTo(f[7 * cfg.nMfcc], 1);
  });

  it('a 20 s song with a 0.1 s whistle in the middle still shows the whistle after pooling', () => {
    const sr = cfg.sampleRate;
    const x = noise(20 * sr, 0.01, 21);
    const w = tone(5000, sr, 0.1, 0.05);
    x.set(w.map((v, i) => v + x[10 * sr + i]), 10 * sr);
    const mel = fixedMel({ samples: x, sampleRate: sr }, cfg);
    const b = band(5000);
    const at = (t: number): number => 10 * Math.log10(mel[t * cfg.nMels + b]);
    const whistleBin = Math.floor((10 / 20) * cfg.frames);
    const others = Array.from({ length: cfg.frames }, (_, t) => t).filter((t) => Math.abs(t - whistleBin) > 1);
    const loudestOther = Math.max(...others.map(at));
    expect(at(whistleBin) - loudestOther).toBeGreaterThan(6);
  });

  it('pooling conserves energy: mean of pooled power = mean of frame power (equal bins)', () => {
    const m = melPowerFrames(noise(64 * 512 - 1, 0.2, 4), cfg.sampleRate, { nFft: 1024, hop: 512, nMels: 64, fmax: 8000 });
    expect(m.frames).toBe(64);
    const pooled = poolMel({ data: m.data, count: m.frames, nMels: 64, hop: 512 }, 32);
    const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);
    expect(sum(pooled) / 32).toBeCloseTo(sum(m.data) / 64, 3);
  });

  it('uses the stream MelView when given (same result as computing it)', () => {
    const x = noise(5 * cfg.sampleRate, 0.1, 8);
    const m = melPowerFrames(x, cfg.sampleRate, { nFft: 1024, hop: 512, nMels: 64, fmax: 8000 });
    const mel = { data: m.data, count: m.frames, nMels: 64, hop: 512 };
    const a = fixedFeatures({ samples: x, sampleRate: cfg.sampleRate, mel }, cfg);
    const b = fixedFeatures({ samples: x, sampleRate: cfg.sampleRate }, cfg);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() => fixedFeatures({ samples: x, sampleRate: cfg.sampleRate, mel: { ...mel, nMels: 40 } }, cfg)).toThrow(/40 bands/);
  });

  it('resamples first when the window is at another rate (a 48 kHz tone lands in the same band)', () => {
    const a = fixedMel({ samples: tone(3000, 48000, 2, 0.3), sampleRate: 48000 }, cfg);
    const b = fixedMel({ samples: tone(3000, 16000, 2, 0.3), sampleRate: 16000 }, cfg);
    const peak = (m: Float32Array): number => {
      let best = 0;
      for (let i = 1; i < 64; i++) if (m[10 * 64 + i] > m[10 * 64 + best]) best = i;
      return best;
    };
    expect(peak(a)).toBe(band(3000));
    expect(peak(b)).toBe(band(3000));
    expect(Math.abs(10 * Math.log10(a[10 * 64 + peak(a)] / b[10 * 64 + peak(b)]))).toBeLessThan(0.5);
  });

  it('adaptiveHopMel of a steady tone gives T frames of equal energy away from the edges', () => {
    const m = adaptiveHopMel(tone(1000, cfg.sampleRate, 0.5, 0.5), cfg);
    expect(m.length).toBe(cfg.frames * cfg.nMels);
    const e = (t: number): number => 10 * Math.log10(m.subarray(t * 64, t * 64 + 64).reduce((a, b) => a + b, 0));
    for (let t = 3; t < cfg.frames - 3; t++) expect(Math.abs(e(t) - e(16))).toBeLessThan(0.5);
  });

  it('rejects an empty window and a bad config clearly', () => {
    expect(() => fixedFeatures({ samples: new Float32Array(0), sampleRate: 16000 }, cfg)).toThrow(/no samples/);
    expect(() => fixedFeatures({ samples: noise(100), sampleRate: 16000 }, { ...cfg, nMfcc: 100 })).toThrow(/nMfcc/);
  });
});
