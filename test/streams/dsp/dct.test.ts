import { describe, expect, it } from 'vitest';
import { dctFrames, dctMatrix } from '../../../streams/dsp/dct.ts';

/** The plain matrix product, in float64. */
function naive(x: Float32Array, frames: number, n: number, nOut: number): Float64Array {
  const d = dctMatrix(n, nOut);
  const out = new Float64Array(frames * nOut);
  for (let f = 0; f < frames; f++)
    for (let k = 0; k < nOut; k++) {
      let s = 0;
      for (let m = 0; m < n; m++) s += d[k * n + m] * x[f * n + m];
      out[f * nOut + k] = s;
    }
  return out;
}

describe('dctFrames (folded products)', () => {
  // sizes that take the twice-folded path (n % 4 = 0), the once-folded one (other n), odd frame
  // counts (the 2-frame blocks' remainder), more frames than one block, and nOut of every parity
  const shapes: Array<[number, number, number]> = [
    [64, 64, 60],
    [65, 64, 60],
    [130, 128, 13],
    [3, 64, 64],
    [1, 8, 8],
    [2, 8, 1],
    [7, 12, 5],
    [5, 20, 20],
    [4, 5, 5],
    [3, 6, 4],
    [1, 1, 1],
  ];
  for (const [frames, n, nOut] of shapes) {
    it(`${frames} frames × ${n} → ${nOut} equals the matrix product`, () => {
      const x = new Float32Array(frames * n);
      let s = 3;
      for (let i = 0; i < x.length; i++) {
        s = (s * 1664525 + 1013904223) >>> 0;
        x[i] = -80 + 90 * (s / 2 ** 32);
      }
      const got = dctFrames(x, frames, n, nOut);
      const want = naive(x, frames, n, nOut);
      expect(got.length).toBe(frames * nOut);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[i])));
    });
  }
});
