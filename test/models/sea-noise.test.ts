// Synthetic sea noise: each kind is what its name says (where its energy lies, impulsive or tonal,
// periodic or not), at the level asked for, reproducible from the random stream.
import { beforeAll, describe, expect, it } from 'vitest';
import { initDsp } from '../../streams/dsp/fft.ts';
import { bandPower as bandPowerAt, peak } from '../helpers/signals.ts';
import { seededRandom } from '../../models/random.ts';
import { parseSeaNoiseKinds, SEA_NOISE_KINDS, seaNoiseSignal, shrimpAtRate, withSeaNoise } from '../../models/sea-noise.ts';

const sr = 32000, n = 2 * sr;
const bandPower = (x: Float32Array, lo: number, hi: number): number => bandPowerAt(x, sr, lo, hi);
const kurtosis = (x: Float32Array): number => {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  let m2 = 0, m4 = 0;
  for (const v of x) { const d = v - m; m2 += d * d; m4 += d ** 4; }
  return (m4 / x.length) / (m2 / x.length) ** 2;
};

beforeAll(async () => { await initDsp(); });

describe('seaNoiseSignal', () => {
  it('every kind is finite, peaks at the asked level and is the same for the same random stream', () => {
    for (const k of SEA_NOISE_KINDS) {
      const a = seaNoiseSignal(k, n, sr, -12, seededRandom(3)), b = seaNoiseSignal(k, n, sr, -12, seededRandom(3)), c = seaNoiseSignal(k, n, sr, -12, seededRandom(4));
      expect(a.every(Number.isFinite), k).toBe(true);
      expect(peak(a), k).toBeCloseTo(10 ** (-12 / 20), 5);
      expect(Array.from(a), k).toEqual(Array.from(b));
      expect(Array.from(a), k).not.toEqual(Array.from(c));
    }
  });

  it('a ship is loud low and quiet high; rain is the reverse', () => {
    for (let s = 1; s <= 4; s++) {
      const ship = seaNoiseSignal('ship', n, sr, -6, seededRandom(s)), rain = seaNoiseSignal('rain', n, sr, -6, seededRandom(s));
      expect(bandPower(ship, 20, 500) / bandPower(ship, 8000, 15000), `ship ${s}`).toBeGreaterThan(30);
      expect(bandPower(rain, 8000, 15000) / bandPower(rain, 20, 500), `rain ${s}`).toBeGreaterThan(30);
    }
  });

  it('shrimp crackle is impulsive (heavy-tailed), ship noise is not', () => {
    for (let s = 1; s <= 4; s++) {
      expect(kurtosis(seaNoiseSignal('shrimp', n, sr, -6, seededRandom(s))), `shrimp ${s}`).toBeGreaterThan(6);
      expect(kurtosis(seaNoiseSignal('ship', n, sr, -6, seededRandom(s))), `ship ${s}`).toBeLessThan(6);
    }
  });

  it('an echo sounder is pings of one frequency: its energy sits in a narrow band and comes back at one period', () => {
    const x = seaNoiseSignal('sounder', n, sr, -6, seededRandom(7));
    // the loudest 1/8 of the band holds most of the power
    const bands = Array.from({ length: 32 }, (_, b) => bandPower(x, 500 + b * 480, 500 + (b + 1) * 480));
    const sorted = [...bands].sort((a, b) => b - a);
    expect(sorted.slice(0, 4).reduce((a, b) => a + b, 0) / bands.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.8);
    // pings: samples above half the peak come in separate bursts
    const half = 0.5 * peak(x);
    const loud = Array.from(x, (v, i) => (Math.abs(v) > half ? i : -1)).filter((i) => i >= 0);
    const gaps = loud.slice(1).map((v, i) => v - loud[i]).filter((g) => g > 0.05 * sr);
    expect(gaps.length).toBeGreaterThan(0);
  });
});

describe('withSeaNoise', () => {
  const base = (len: number): Float32Array => new Float32Array(len).fill(0.5);
  it('p 0 is the noise source itself; p 1 never draws from it', () => {
    expect(withSeaNoise(base, 0, sr)).toBe(base);
    const r = seededRandom(1);
    const sea = withSeaNoise(() => { throw new Error('drew the base noise'); }, 1, sr);
    for (let i = 0; i < 8; i++) expect(sea(1000, r)!.length).toBe(1000);
  });
  it('p 0.25 takes about a quarter of its draws from sea noise', () => {
    const sea = withSeaNoise(base, 0.25, sr), r = seededRandom(2);
    let synthetic = 0;
    for (let i = 0; i < 400; i++) if (sea(256, r)![0] !== 0.5) synthetic++;
    expect(synthetic).toBeGreaterThan(70);
    expect(synthetic).toBeLessThan(130);
  });
});

describe('withSeaNoise and a band-limited view', () => {
  it('band-limits its synthetic draws to the recorder rate asked for', () => {
    const sea = withSeaNoise(() => null, 1, sr);
    for (let s = 1; s <= 8; s++) {
      const x = sea(n / 2, seededRandom(s), 8000)!;
      expect(bandPower(x, 5000, 15000) / bandPower(x, 100, 3500), `draw ${s}`).toBeLessThan(1e-3);
    }
  });
});

describe('parseSeaNoiseKinds', () => {
  it('reads a comma-separated list and names what it does not know', () => {
    expect(parseSeaNoiseKinds('ship, rain,ship')).toEqual(['ship', 'rain']);
    expect(() => parseSeaNoiseKinds('ship,whale')).toThrow(/ship, rain, shrimp, sounder, not "ship,whale"/);
    expect(() => parseSeaNoiseKinds('')).toThrow(/sea noise kinds/);
  });
  it('a mix restricted to some kinds draws only those', () => {
    // ship noise is low, rain high: a mix of rain alone has its power above 8 kHz
    const sea = withSeaNoise(() => null, 1, sr, ['rain']);
    for (let s = 1; s <= 4; s++) {
      const x = sea(n / 2, seededRandom(s))!;
      expect(bandPower(x, 8000, 15000) / bandPower(x, 20, 500), `draw ${s}`).toBeGreaterThan(30);
    }
  });
});

describe('shrimpAtRate', () => {
  // 1 ms blocks far above the quiet ones: about one per snap while snaps are sparse (random
  // strengths over 30 dB put a few under the bar).
  const loudBlocks = (x: Float32Array): number => {
    const B = Math.round(sr / 1000), e: number[] = [];
    for (let i = 0; i + B <= x.length; i += B) { let v = 0; for (let j = 0; j < B; j++) v += x[i + j] ** 2; e.push(v); }
    const p10 = [...e].sort((a, b) => a - b)[Math.floor(e.length * 0.1)];
    return e.filter((v) => v > 30 * p10).length;
  };
  it('snaps at the rate asked for, peak at the level', () => {
    for (const rate of [10, 100]) {
      const x = shrimpAtRate(n, sr, rate, -10, seededRandom(rate));
      expect(peak(x)).toBeCloseTo(10 ** (-10 / 20), 5);
      const expected = rate * (n / sr);
      expect(loudBlocks(x)).toBeGreaterThan(0.5 * expected);
      expect(loudBlocks(x)).toBeLessThan(1.2 * expected);
    }
  });
});
