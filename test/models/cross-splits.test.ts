// Cross-split scoring: what it refuses up front.
import { describe, expect, it } from 'vitest';
import { checkCrossSplits } from '../../models/cross-splits.ts';

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
