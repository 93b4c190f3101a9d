// The analysis rates a model may be trained at, and what a saved config must look like to load.
import { describe, expect, it } from 'vitest';
import { ANALYSIS_RATES, featureConfigAt, featureConfigDiff, featureConfigProblems } from '../../models/feature-config.ts';

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

  it('the rhythm row is part of the config: absent means none, and a mismatch either way is named', () => {
    expect(featureConfigAt(32000)).not.toHaveProperty('rhythm'); // older folders' configs stay what they were
    expect(featureConfigAt(32000, true).rhythm).toBe(true);
    expect(featureConfigProblems(featureConfigAt(16000, true))).toEqual([]);
    expect(featureConfigProblems({ ...featureConfigAt(32000), rhythm: false })).toEqual([]);
    expect(featureConfigDiff(featureConfigAt(32000, true), featureConfigAt(32000))).toEqual(['rhythm: true ≠ false']);
    expect(featureConfigDiff(featureConfigAt(32000), featureConfigAt(32000, true))).toEqual(['rhythm: false ≠ true']);
    expect(featureConfigProblems({ ...featureConfigAt(32000), rhythm: 'yes' as unknown as boolean })).toEqual(['rhythm: yes is not true or false']);
  });
});
