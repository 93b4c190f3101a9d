// Cross-split scoring's helpers: the mean ± sd the card reports, and what it refuses up front.
import { describe, expect, it } from 'vitest';
import { checkCrossSplits, meanSd } from '../../models/cross-splits.ts';

describe('meanSd', () => {
  it('gives the mean and the sample standard deviation', () => {
    expect(meanSd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, sd: Math.sqrt(32 / 7) });
    expect(meanSd([0.5])).toEqual({ mean: 0.5, sd: 0 });
  });
});

describe('checkCrossSplits', () => {
  const o = { manifests: [], arch: 'tcn' as const, epochs: 1, seed: 1 };
  it('refuses teachers (trained on one split) and counts that are not whole numbers ≥ 1, before any training', () => {
    expect(() => checkCrossSplits({ ...o, crossSplits: 3, teachers: ['t'] })).toThrow(/teachers/);
    expect(() => checkCrossSplits({ ...o, crossSplits: 0 })).toThrow(/whole number/);
    expect(() => checkCrossSplits({ ...o, crossSplits: 1.5 })).toThrow(/whole number/);
    expect(() => checkCrossSplits({ ...o, crossSplits: 1, teachers: ['t'] })).not.toThrow();
    expect(() => checkCrossSplits({ ...o, crossSplits: 3 })).not.toThrow();
  });
});
