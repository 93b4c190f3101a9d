import { describe, expect, it } from 'vitest';
import { createRealFft, initDsp, pffftSupports } from '../../../streams/dsp/fft.ts';
import { noise, tone } from './signals.ts';

function naiveDft(x: Float32Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const h = Math.floor(n / 2);
  const re = new Float64Array(h + 1);
  const im = new Float64Array(h + 1);
  for (let k = 0; k <= h; k++) {
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * k * j) / n;
      re[k] += x[j] * Math.cos(a);
      im[k] += x[j] * Math.sin(a);
    }
  }
  return { re, im };
}

function maxRelErr(a: Float64Array, b: Float64Array, scale: number): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]) / scale);
  return e;
}

describe('real FFT', () => {
  it.each([2048, 512, 400, 1000, 6, 30])('JS FFT of size %i matches a direct DFT', (n) => {
    const x = noise(n, 1, n);
    const ref = naiveDft(x);
    const re = new Float64Array(Math.floor(n / 2) + 1);
    const im = new Float64Array(re.length);
    createRealFft(n, { backend: 'js' }).forward(x, re, im);
    expect(maxRelErr(re, ref.re, Math.sqrt(n))).toBeLessThan(1e-10);
    expect(maxRelErr(im, ref.im, Math.sqrt(n))).toBeLessThan(1e-10);
  });

  it('WASM FFT (after initDsp) agrees with the JS FFT, power and phase', async () => {
    const backend = await initDsp();
    console.log(`FFT backend: ${backend}`);
    const n = 2048;
    const x = noise(n, 1, 7);
    const f = createRealFft(n);
    if (backend !== 'js') expect(f.backend).toBe(backend);
    const j = createRealFft(n, { backend: 'js' });
    const re1 = new Float64Array(n / 2 + 1), im1 = new Float64Array(n / 2 + 1);
    const re2 = new Float64Array(n / 2 + 1), im2 = new Float64Array(n / 2 + 1);
    f.forward(x, re1, im1);
    j.forward(x, re2, im2);
    expect(maxRelErr(re1, re2, Math.sqrt(n))).toBeLessThan(1e-5);
    expect(maxRelErr(im1, im2, Math.sqrt(n))).toBeLessThan(1e-5);
    // offset reads from inside a larger buffer
    const big = new Float32Array(n + 100);
    big.set(x, 37);
    const p1 = new Float32Array(n / 2 + 1), p2 = new Float32Array(n / 2 + 1);
    f.power(big, p1, 37);
    f.power(x, p2);
    expect(Array.from(p1)).toEqual(Array.from(p2));
  });

  it('windowedPower equals the power of the windowed frame, on both backends', async () => {
    await initDsp();
    const n = 2048;
    const x = noise(n + 10, 1, 5);
    const w = new Float32Array(n).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    const xw = new Float32Array(n).map((_, i) => x[i + 10] * w[i]);
    for (const backend of ['auto', 'js'] as const) {
      const f = createRealFft(n, { backend });
      const a = new Float32Array(n / 2 + 1), b = new Float32Array(n / 2 + 1);
      f.windowedPower(x, 10, w, a);
      f.power(xw, b);
      expect(Array.from(a)).toEqual(Array.from(b));
    }
  });

  it('Parseval: Σx² = (|X0|² + 2Σ|Xk|² + |X_N/2|²) / N', async () => {
    await initDsp();
    for (const backend of ['auto', 'js'] as const) {
      const n = 1024;
      const x = noise(n, 0.5, 99);
      const p = new Float64Array(n / 2 + 1);
      createRealFft(n, { backend }).power(x, p);
      let e = 0;
      for (const v of x) e += v * v;
      let s = p[0] + p[n / 2];
      for (let k = 1; k < n / 2; k++) s += 2 * p[k];
      expect(s / n).toBeCloseTo(e, 3);
    }
  });

  it('a bin-centred tone puts its energy in its bin', async () => {
    await initDsp();
    const n = 2048, sr = 16000, bin = 100;
    const x = tone((bin * sr) / n, sr, n / sr, 1);
    const p = new Float32Array(n / 2 + 1);
    createRealFft(n).power(x.subarray(0, n), p);
    expect(p[bin]).toBeCloseTo((n / 2) ** 2, -2);
    expect(p[bin + 3] / p[bin]).toBeLessThan(1e-8);
  });

  it('knows which sizes PFFFT can do', () => {
    expect(pffftSupports(2048)).toBe(true);
    expect(pffftSupports(480)).toBe(true);
    expect(pffftSupports(400)).toBe(false);
    expect(pffftSupports(7 * 32)).toBe(false);
    expect(() => createRealFft(1)).toThrow(/≥ 2/);
  });
});
