import { describe, expect, it } from 'vitest';
import { hannPeriodic } from '../../../streams/dsp/window-fn.ts';

describe('hannPeriodic', () => {
  it('is the periodic Hann (scipy get_window fftbins=True)', () => {
    const w = hannPeriodic(8);
    const expected = [0, 0.1464466, 0.5, 0.8535534, 1, 0.8535534, 0.5, 0.1464466];
    expected.forEach((v, i) => expect(w[i]).toBeCloseTo(v, 6));
  });
  it('overlap-adds to a constant at hop n/4 and sums to n/2', () => {
    const n = 2048;
    const w = hannPeriodic(n);
    let sum = 0;
    for (const v of w) sum += v;
    expect(sum).toBeCloseTo(n / 2, 2);
    for (let i = 0; i < n / 4; i++) {
      const ola = w[i] + w[i + n / 4] + w[i + n / 2] + w[i + (3 * n) / 4];
      expect(ola).toBeCloseTo(2, 5);
    }
  });
  it('rejects bad lengths', () => {
    expect(() => hannPeriodic(0)).toThrow(/positive integer/);
  });
});
