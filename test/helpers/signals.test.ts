// The shared signal generators must be what their names say: other helpers' tests rely on them.
import { describe, it, expect } from 'vitest';
import { tone, chirp, click, noise, mix, concat, placeAt, rms, rng, quantise16, nSamples } from './signals.ts';

/** Frequency estimate from zero crossings (fine for a clean sine). */
function zcFreq(x: Float32Array, sr: number): number {
  let n = 0;
  for (let i = 1; i < x.length; i++) if ((x[i - 1] < 0) !== (x[i] < 0)) n++;
  return (n / 2) * (sr / x.length);
}

describe('test signals', () => {
  it('tone: length, amplitude, frequency', () => {
    const x = tone(440, 2, 16000, 0.5);
    expect(x.length).toBe(32000);
    expect(Math.max(...x)).toBeCloseTo(0.5, 3);
    expect(rms(x)).toBeCloseTo(0.5 / Math.SQRT2, 3);
    expect(zcFreq(x, 16000)).toBeCloseTo(440, 0);
  });

  it('chirp: frequency rises from f0 to f1', () => {
    const x = chirp(200, 2000, 2, 16000);
    expect(zcFreq(x.subarray(0, 1600), 16000)).toBeLessThan(400);
    expect(zcFreq(x.subarray(30400), 16000)).toBeGreaterThan(1800);
  });

  it('click: one impulse at atS', () => {
    const x = click(1000, 1, 0.25, 0.8);
    expect(x[250]).toBe(Float32Array.of(0.8)[0]);
    expect(x.reduce((s, v) => s + Math.abs(v), 0)).toBeCloseTo(0.8, 6);
  });

  it('noise: seeded (same seed → same samples, other seed → different), std ≈ amp, mean ≈ 0', () => {
    const a = noise(1, 20000, 0.2, 42);
    expect(Array.from(noise(1, 20000, 0.2, 42))).toEqual(Array.from(a));
    expect(Array.from(noise(1, 20000, 0.2, 43))).not.toEqual(Array.from(a));
    expect(rms(a)).toBeGreaterThan(0.19);
    expect(rms(a)).toBeLessThan(0.21);
    expect(Math.abs(a.reduce((s, v) => s + v, 0) / a.length)).toBeLessThan(0.01);
    const r = rng(1);
    const u = Array.from({ length: 1000 }, r);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
  });

  it('mix, concat, placeAt, quantise16, nSamples', () => {
    expect(Array.from(mix(Float32Array.of(1, 2), Float32Array.of(1, 1, 1)))).toEqual([2, 3, 1]);
    expect(Array.from(concat(Float32Array.of(1), Float32Array.of(2, 3)))).toEqual([1, 2, 3]);
    expect(Array.from(placeAt(Float32Array.of(5, 6), 0.002, 0.004, 1000))).toEqual([0, 0, 5, 6]);
    expect(Array.from(quantise16(Float32Array.of(1, -1, 2, -0.00001)))).toEqual([32767 / 32768, -32767 / 32768, 32767 / 32768, 0]);
    expect(nSamples(0.1, 44100)).toBe(4410);
  });
});
