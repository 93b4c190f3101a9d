import { describe, expect, it } from 'vitest';
import { powerToDb } from '../../../streams/dsp/db.ts';

describe('powerToDb (bit-level log10)', () => {
  it('agrees with 10·log10 to float32 rounding over the whole float32 range', () => {
    // every exponent, pseudo-random mantissas, plus the edge values
    const n = 1 << 16;
    const x = new Float32Array(n);
    const u = new Uint32Array(x.buffer);
    let s = 7;
    for (let i = 0; i < n; i++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      u[i] = (((i % 254) + 1) << 23) | (s >>> 9); // exponents 1..254: positive normals
    }
    x.set([1, 2, 0.5, 10, 100, 1e-10, 3.4e38, 1.17549435e-38, 0.99999994, 1.0000001]);
    const d = powerToDb(x.slice(), { topDb: null, amin: 1e-40 });
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(d[i] - Math.fround(10 * Math.log10(x[i]))));
    expect(worst).toBeLessThan(1e-5);
    expect(Array.from(d.subarray(0, 5))).toEqual([0, Math.fround(10 * Math.log10(2)), Math.fround(-10 * Math.log10(2)), 10, 20]);
  });

  it('clamps to amin below it, for zeros, subnormals and NaN; infinity stays infinite', () => {
    const x = new Float32Array([0, 1e-45, 1e-20, Number.NaN, Number.POSITIVE_INFINITY, 1e-3]);
    const d = powerToDb(x, { topDb: null, amin: 1e-10 });
    expect(Array.from(d)).toEqual([-100, -100, -100, -100, Number.POSITIVE_INFINITY, -30]);
  });
});
