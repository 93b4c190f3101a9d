import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mixupPlan, mixupTensors, sampleBeta, sampleGamma } from '../../models/mixup.ts';
import { seededRandom } from '../../models/random.ts';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]): number => { const m = mean(xs); return mean(xs.map((x) => (x - m) ** 2)); };

describe('mixup sampling', () => {
  it('draws Gamma(shape) with mean shape, below and above shape 1', () => {
    for (const shape of [0.3, 2.5]) {
      const r = seededRandom(7);
      const xs = Array.from({ length: 20000 }, () => sampleGamma(shape, r));
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
      expect(mean(xs)).toBeCloseTo(shape, 1);
      expect(variance(xs)).toBeGreaterThan(shape * 0.9); // Gamma(k, 1) has variance k
      expect(variance(xs)).toBeLessThan(shape * 1.1);
    }
    expect(() => sampleGamma(0, Math.random)).toThrow(/shape/);
  });

  it('draws Beta(α, α) in [0, 1] with mean ½ and variance 1/(4(2α + 1)): U-shaped for small α', () => {
    for (const a of [0.2, 0.4]) {
      const r = seededRandom(11);
      const xs = Array.from({ length: 20000 }, () => sampleBeta(a, a, r));
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...xs)).toBeLessThanOrEqual(1);
      expect(mean(xs)).toBeCloseTo(0.5, 1);
      expect(variance(xs)).toBeCloseTo(1 / (4 * (2 * a + 1)), 2);
    }
    // α = 0.2: most draws near an end (a uniform draw would put 20 % there)
    const r = seededRandom(3);
    const xs = Array.from({ length: 5000 }, () => sampleBeta(0.2, 0.2, r));
    expect(xs.filter((x) => x < 0.1 || x > 0.9).length / xs.length).toBeGreaterThan(0.6);
  });

  it('plans a permutation of partners and reproducible weights', () => {
    const p = mixupPlan(50, 0.3, seededRandom(5));
    expect([...p.partner].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect(p.lambda.every((l) => l >= 0 && l <= 1)).toBe(true);
    const q = mixupPlan(50, 0.3, seededRandom(5));
    expect(q.partner).toEqual(p.partner);
    expect(q.lambda).toEqual(p.lambda);
    expect(() => mixupPlan(4, 0, Math.random)).toThrow(/alpha/);
  });
});

describe('mixupTensors', () => {
  it('mixes features and one-hot targets as λ·a + (1 − λ)·b; mixed targets sum to 1', () => {
    const n = 4, k = 3;
    const xData = Array.from({ length: n * 2 * 2 }, (_, i) => i * 1.5 - 3);
    const labels = [0, 2, 1, 2];
    const xs = tf.tensor3d(xData, [n, 2, 2]);
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), k).toFloat();
    const plan = { partner: Int32Array.from([2, 0, 3, 1]), lambda: Float32Array.from([0.25, 1, 0.9, 0]) };
    const { x, y } = mixupTensors(xs, ys, plan);
    const xm = x.arraySync() as number[][][], ym = y.arraySync() as number[][];
    for (let i = 0; i < n; i++) {
      const l = plan.lambda[i], j = plan.partner[i];
      expect(ym[i].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      for (let c = 0; c < k; c++) {
        const want = l * (labels[i] === c ? 1 : 0) + (1 - l) * (labels[j] === c ? 1 : 0);
        expect(ym[i][c]).toBeCloseTo(want, 6);
      }
      for (let t = 0; t < 2; t++) for (let f = 0; f < 2; f++) {
        const at = (b: number): number => xData[b * 4 + t * 2 + f];
        expect(xm[i][t][f]).toBeCloseTo(l * at(i) + (1 - l) * at(j), 5);
      }
    }
    // λ = 1 keeps the example; λ = 0 is its partner outright
    expect(ym[1]).toEqual([0, 0, 1]);
    expect(ym[3]).toEqual([0, 0, 1]);
    // example 0 (class 0) with λ = 0.25 and partner 2 (class 1): 0.25·e0 + 0.75·e1
    expect(ym[0][0]).toBeCloseTo(0.25, 6);
    expect(ym[0][1]).toBeCloseTo(0.75, 6);
    expect(ym[0][2]).toBeCloseTo(0, 6);
    [xs, ys, x, y].forEach((t) => t.dispose());
  });

  it('rejects a plan of the wrong size', () => {
    const xs = tf.zeros([3, 2]), ys = tf.zeros([3, 2]);
    expect(() => mixupTensors(xs, ys, { partner: Int32Array.from([0, 1]), lambda: Float32Array.from([1, 1]) })).toThrow(/plan for 2/);
    xs.dispose(); ys.dispose();
  });
});
