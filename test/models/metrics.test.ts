import { describe, expect, it } from 'vitest';
import { classificationMetrics, meanSd } from '../../models/metrics.ts';

describe('classificationMetrics', () => {
  it('gives the known answers of a small confusion', () => {
    // truth a a a b b c ; pred a a b b c c
    const m = classificationMetrics(['a', 'a', 'a', 'b', 'b', 'c'], ['a', 'a', 'b', 'b', 'c', 'c'], ['a', 'b', 'c']);
    expect(m.n).toBe(6);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.confusion).toEqual({ labels: ['a', 'b', 'c'], matrix: [[2, 1, 0], [0, 1, 1], [0, 0, 1]] });
    expect(m.per_class.a).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
    expect(m.per_class.b.precision).toBeCloseTo(0.5, 12);
    expect(m.per_class.b.recall).toBeCloseTo(0.5, 12);
    expect(m.per_class.c.f1).toBeCloseTo(2 / 3, 12);
    expect(m.macro_f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });
  it('adds predicted labels outside the list (unknown) and leaves absent classes out of macro-F1', () => {
    const m = classificationMetrics(['a', 'a'], ['a', 'unknown'], ['a', 'z']);
    expect(m.confusion.labels).toEqual(['a', 'z', 'unknown']);
    expect(m.per_class.z.support).toBe(0);
    expect(m.macro_f1).toBeCloseTo(2 / 3, 12); // only 'a' has support: P 1, R 0.5
  });
  it('rejects lists of different lengths', () => {
    expect(() => classificationMetrics(['a'], [])).toThrow(/1 truths but 0 predictions/);
  });
});

describe('meanSd', () => {
  it('gives the mean and the sample standard deviation', () => {
    expect(meanSd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, sd: Math.sqrt(32 / 7) });
    expect(meanSd([0.5])).toEqual({ mean: 0.5, sd: 0 });
  });
});
