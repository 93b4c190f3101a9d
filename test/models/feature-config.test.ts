// The analysis rates a model may be trained at, and what a saved config must look like to load.
import { describe, expect, it } from 'vitest';
import { ANALYSIS_RATES, featureConfigAt, featureConfigProblems } from '../../models/feature-config.ts';

describe('feature config', () => {
  it('scales frame, hop and band with the analysis rate, keeping seconds and hertz per bin', () => {
    const a = featureConfigAt(16000);
    const b = featureConfigAt(32000);
    expect([a.nFft, a.hop, a.fmax]).toEqual([1024, 256, 8000]);
    expect([b.nFft, b.hop, b.fmax]).toEqual([2048, 512, 16000]);
    for (const c of [a, b]) {
      expect(c.sampleRate / c.nFft).toBeCloseTo(15.625, 6);
      expect(c.hop / c.sampleRate).toBeCloseTo(0.016, 6);
      expect([c.nMels, c.nMfcc, c.frames, c.fmin]).toEqual([64, 60, 64, 20]);
    }
  });

  it('refuses an analysis rate it cannot compute, naming it and the ones it can', () => {
    expect(() => featureConfigAt(22050)).toThrow(/analysis rate 22050 Hz is not supported \(use one of 16000, 32000\)/);
    expect(ANALYSIS_RATES).toEqual([16000, 32000]);
  });

  it('a saved config loads only when it is exactly what the code computes at its rate', () => {
    expect(featureConfigProblems(featureConfigAt(32000))).toEqual([]);
    expect(featureConfigProblems({ ...featureConfigAt(32000), fmax: 8000 })).toEqual(['fmax: 8000 ≠ 16000']);
    expect(featureConfigProblems({ ...featureConfigAt(16000), sampleRate: 44100 })).toEqual(['sampleRate: 44100 is not one of 16000, 32000']);
  });
});
