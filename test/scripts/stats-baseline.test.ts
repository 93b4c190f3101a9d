// The plain baseline (scripts/stats-baseline.ts): the statistics it computes and the
// logistic regression it fits, on inputs with known answers.
import { describe, expect, it } from 'vitest';
import { clipStats, fitLogistic } from '../../scripts/stats-baseline.ts';
import { gaussian, seededRandom } from '../../models/random.ts';

describe('clipStats', () => {
  it('gives per coefficient the mean, the standard deviation and the mean absolute step, in the order asked', () => {
    // 4 frames × 2 coefficients, row-major [t][c]
    const m = Float32Array.from([1, 10, 3, 10, 2, 14, 6, 10]);
    const s = Array.from(clipStats(m, 4, 2, ['mean', 'std', 'step']));
    const sd = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - v.reduce((x, y) => x + y) / v.length) ** 2, 0) / v.length);
    const want = [3, 11, sd([1, 3, 2, 6]), sd([10, 10, 14, 10]), 7 / 3, 8 / 3];
    s.forEach((v, i) => expect(v).toBeCloseTo(want[i], 10));
    expect(Array.from(clipStats(m, 4, 2, ['step', 'mean']))).toEqual([7 / 3, 8 / 3, 3, 11]);
  });
});

describe('fitLogistic', () => {
  it('separates three Gaussian blobs and gives probabilities that sum to one', () => {
    const r = seededRandom(3);
    const centres = [[0, 3], [3, -2], [-3, -2]];
    const X: Float64Array[] = [], y: number[] = [];
    // unequal class sizes: the fit weighs classes equally
    [40, 10, 25].forEach((n, k) => { for (let i = 0; i < n; i++) { X.push(Float64Array.from(centres[k].map((c) => c + 0.7 * gaussian(r)))); y.push(k); } });
    const predict = fitLogistic(X, y, 3, 1e-3);
    let right = 0;
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 20; i++) {
        const p = predict(Float64Array.from(centres[k].map((c) => c + 0.7 * gaussian(r))));
        expect(p.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
        if (p.indexOf(Math.max(...p)) === k) right++;
      }
    }
    expect(right).toBeGreaterThanOrEqual(57);
  });
});
