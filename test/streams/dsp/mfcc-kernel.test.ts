import { beforeAll, describe, expect, it } from 'vitest';
import { poolMel } from '../../../streams/dsp/adaptive.ts';
import { dctFrames } from '../../../streams/dsp/dct.ts';
import { powerToDb } from '../../../streams/dsp/db.ts';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { kernelMatrices, mfccKernelBinary, sharedMfccKernel } from '../../../streams/dsp/mfcc-kernel.ts';

function melPower(frames: number, nMels: number, seed: number): Float32Array {
  let s = seed;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  // log-uniform over 1e-14 … 1e3, with some exact zeros and values at amin
  return Float32Array.from({ length: frames * nMels }, (_, i) => (i % 97 === 0 ? 0 : i % 89 === 0 ? 1e-10 : 10 ** (-14 + 17 * rnd())));
}

function reference(mel: Float32Array, frames: number, nMels: number, nMfcc: number, topDb: number | null): Float32Array {
  return dctFrames(powerToDb(mel.slice(), { ref: 1, amin: 1e-10, topDb }), frames, nMels, nMfcc);
}

/** Largest |got − want| over the largest |want|. */
function relativeError(got: Float32Array, want: Float32Array): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  let range = 0;
  for (let i = 0; i < want.length; i++) {
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
    range = Math.max(range, Math.abs(want[i]));
  }
  return worst / range;
}

beforeAll(async () => {
  expect(await initDsp()).toBe('wasm-simd');
});

describe('WASM MFCC kernel (power → dB → top_db → DCT-II ortho)', () => {
  it.each([
    [64, 60, 64, 80],
    [64, 60, 7, 80],
    [128, 60, 64, 80],
    [64, 64, 3, null],
    [40, 13, 10, 80],
    [8, 1, 5, 20],
  ] as const)('%i mels → %i coefficients, %i frames, top_db %s: agrees with dctFrames(powerToDb(…))', (nMels, nMfcc, frames, topDb) => {
    const k = sharedMfccKernel(nMels, nMfcc);
    expect(k).not.toBeNull();
    const mel = melPower(frames, nMels, nMels * 7 + nMfcc);
    const want = reference(mel, frames, nMels, nMfcc, topDb);
    const got = k!.run(mel, frames, 1e-10, topDb, new Float32Array(frames * nMfcc));
    expect(relativeError(got, want)).toBeLessThan(2e-6);
  });

  it.each([125, 64, 127, 200, 640])('pools %i frames into 64 bins as poolMel does, then the same MFCC', (count) => {
    const nMels = 64, nMfcc = 60, T = 64;
    const mel = melPower(count, nMels, count);
    const pooled = poolMel({ data: mel, count, nMels, hop: 512 }, T);
    const want = reference(pooled, T, nMels, nMfcc, 80);
    const got = sharedMfccKernel(nMels, nMfcc)!.runPooled(mel, count, T, 1e-10, 80, new Float32Array(T * nMfcc));
    expect(relativeError(got, want)).toBeLessThan(2e-6);
    expect(() => sharedMfccKernel(nMels, nMfcc)!.runPooled(mel, T - 1, T, 1e-10, 80, new Float32Array(T * nMfcc))).toThrow(/cannot fill/);
  });

  it('handles NaN and zero power as the floor (amin), as powerToDb does', () => {
    const mel = new Float32Array(64 * 4).fill(1e-3);
    mel[5] = Number.NaN;
    mel[70] = 0;
    const want = reference(mel, 4, 64, 60, 80);
    const got = sharedMfccKernel(64, 60)!.run(mel, 4, 1e-10, 80, new Float32Array(4 * 60));
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 3);
  });

  it('holds the transposed matrices the folds need, rows padded to vectors of four', () => {
    const m = kernelMatrices(8, 8);
    // groups: odd rows 1,3,5,7 over 4 differences; rows 0,4 and 2,6 over 2 values each (padded to 4)
    expect(m.length).toBe(4 * 4 + 2 * 4 + 2 * 4);
    const d = (k: number, j: number): number => (k === 0 ? Math.sqrt(1 / 8) : Math.sqrt(2 / 8)) * Math.cos((Math.PI * k * (2 * j + 1)) / 16);
    expect(m[0 * 4 + 1]).toBeCloseTo(d(3, 0), 6); // odd group, j = 0, row r = 1 → k = 3
    expect(m[16 + 1 * 4 + 1]).toBeCloseTo(d(4, 1), 6); // k ≡ 0 group, j = 1, r = 1 → k = 4
    expect(m[16 + 2]).toBe(0); // padding
  });

  it('module validates; bad shapes are refused by name', () => {
    expect(WebAssembly.validate(mfccKernelBinary(64, 60))).toBe(true);
    expect(() => mfccKernelBinary(62, 60)).toThrow(/multiple of 4/);
    expect(() => mfccKernelBinary(64, 65)).toThrow(/nMfcc/);
  });
});
