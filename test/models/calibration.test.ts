// Temperature scaling on synthetic predictions whose true temperature is known.
import { describe, expect, it } from 'vitest';
import { calibrationError, chooseTemperature, fitTemperature, meanNll, withTemperature } from '../../models/calibration.ts';
import { gaussian, seededRandom } from '../../models/random.ts';

/** Predictions from logits z, labels drawn from softmax(z / T0): the well-calibrated model is at T0. */
function synthetic(n: number, k: number, T0: number, seed: number): { probs: Float32Array[]; truth: number[] } {
  const r = seededRandom(seed);
  const probs: Float32Array[] = [], truth: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: k }, () => 3 * gaussian(r));
    const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b);
    const p = Float32Array.from(e, (v) => v / s);
    const q = withTemperature(p, T0);
    let u = r(), y = 0;
    while (y < k - 1 && u > q[y]) { u -= q[y]; y++; }
    probs.push(p); truth.push(y);
  }
  return { probs, truth };
}

describe('withTemperature', () => {
  it('keeps the order, flattens for T > 1, sharpens for T < 1, and is the identity at 1', () => {
    const p = [0.7, 0.2, 0.1];
    expect(Array.from(withTemperature(p, 1)).map((v) => +v.toFixed(6))).toEqual(p);
    const flat = withTemperature(p, 3), sharp = withTemperature(p, 0.5);
    expect(flat[0]).toBeLessThan(0.7);
    expect(flat[0]).toBeGreaterThan(flat[1]);
    expect(sharp[0]).toBeGreaterThan(0.7);
    expect(sharp[0]).toBeCloseTo(0.49 / (0.49 + 0.04 + 0.01), 6);
  });
});

describe('fitTemperature', () => {
  it.each([0.6, 1, 2.5])('recovers the temperature the labels were drawn at (T0 = %s)', (T0) => {
    const { probs, truth } = synthetic(4000, 6, T0, 7);
    const T = fitTemperature(probs, truth);
    expect(Math.abs(T - T0) / T0).toBeLessThan(0.12);
    // and it lowers the calibration error of an overconfident model
    if (T0 > 1.5) expect(calibrationError(probs.map((p) => withTemperature(p, T)), truth)).toBeLessThan(calibrationError(probs, truth) / 2);
    expect(meanNll(probs.map((p) => withTemperature(p, T)), truth)).toBeLessThanOrEqual(meanNll(probs, truth));
  });
  it('is 1 with nothing to fit on', () => {
    expect(fitTemperature([], [])).toBe(1);
  });
});

describe('chooseTemperature', () => {
  it('keeps the fit when it lowers the calibration error (an overconfident model)', () => {
    const { probs, truth } = synthetic(4000, 6, 2.5, 7);
    const c = chooseTemperature(probs, truth);
    expect(c.temperature).toBe(c.fitted);
    expect(c.fitted).toBeGreaterThan(1.5);
    expect(c.errorFitted).toBeLessThan(c.errorBefore);
  });

  it('declines it when the likelihood wants softer probabilities that are further from how often they are right', () => {
    // 80 examples at 0.8, right 80 % of the time (calibrated), and 5 sure and wrong
    const probs = [...Array.from({ length: 80 }, () => [0.8, 0.2]), ...Array.from({ length: 5 }, () => [0.99, 0.01])];
    const truth = [...Array.from({ length: 80 }, (_, i) => (i < 64 ? 0 : 1)), 1, 1, 1, 1, 1];
    const c = chooseTemperature(probs, truth);
    expect(c.fitted).toBeGreaterThan(1); // the likelihood softens
    expect(c.errorFitted).toBeGreaterThan(c.errorBefore); // the bins get worse
    expect(c.temperature).toBe(1);
  });
});

describe('calibrationError', () => {
  it('is 0 for a model whose confidence equals its accuracy, and the gap for one that is always sure and half right', () => {
    expect(calibrationError([[0.5, 0.5], [0.5, 0.5]], [0, 1])).toBeCloseTo(0, 12); // ties go to the first class: right once in two at 0.5
    expect(calibrationError([[1, 0], [1, 0]], [0, 1])).toBeCloseTo(0.5, 12);
  });
});
