// The waveform augmentation chain: noise at the SNR asked for, and a band-limited view's noise
// drawn through the same recorder rate (a slow recorder hears the call and the sea alike).
import { describe, expect, it } from 'vitest';
import { augmentWave, bandLimitRates, mixAtSnr, rms, type NoiseSource } from '../../models/augment.ts';
import { seededRandom } from '../../models/random.ts';

describe('mixAtSnr', () => {
  it('adds the noise at the SNR asked for', () => {
    const x = Float32Array.from({ length: 8000 }, (_, i) => Math.sin(i / 5));
    const noise = Float32Array.from({ length: 8000 }, (_, i) => ((i * 7919) % 13) / 13 - 0.5);
    const y = mixAtSnr(x, noise, 10);
    const added = y.map((v, i) => v - x[i]);
    expect(20 * Math.log10(rms(x) / rms(added))).toBeCloseTo(10, 5);
  });
});

describe('augmentWave', () => {
  const sr = 32000, x = new Float32Array(4000).fill(0.1);
  const spy = (): { source: NoiseSource; rates: (number | undefined)[] } => {
    const rates: (number | undefined)[] = [];
    return { rates, source: (n, _r, bandRate) => { rates.push(bandRate); return new Float32Array(n).fill(0.01); } };
  };
  it('asks for noise through the recorder rate it band-limited the view to', () => {
    const s = spy(), r = seededRandom(1);
    for (let i = 0; i < 20; i++) augmentWave(x, r, { sampleRate: sr, noise: s.source, pBandLimit: 1, pNoise: 1 });
    expect(s.rates).toHaveLength(20);
    for (const rate of s.rates) expect(bandLimitRates(sr)).toContain(rate);
  });
  it('asks for full-band noise when the view was not band-limited', () => {
    const s = spy(), r = seededRandom(2);
    for (let i = 0; i < 20; i++) augmentWave(x, r, { sampleRate: sr, noise: s.source, pBandLimit: 0, pNoise: 1 });
    expect(s.rates).toEqual(new Array(20).fill(undefined));
  });
});
