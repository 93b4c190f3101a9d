// The model card's cross-split section and its verdict on the targets: judged on the mean over
// split seeds when there are several, on the one split otherwise.
import { describe, expect, it } from 'vitest';
import { renderCard, type CardInput } from '../../models/card.ts';
import { defaultFeatureConfig } from '../../models/feature-config.ts';
import { classificationMetrics } from '../../models/metrics.ts';

/** Metrics with the given accuracy over 10 clips of two labels. */
const metricsAt = (right: number) => classificationMetrics(
  ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b'],
  ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b'].map((l, i) => (i < right ? l : l === 'a' ? 'b' : 'a')), ['a', 'b']);

function card(right: number, crossSplits?: CardInput['crossSplits']): CardInput {
  const m = metricsAt(right);
  return {
    name: 't', arch: 'tcn-cmn-stats', params: 1, command: 'hydromon train …', seed: 4, trainedAt: '', cfg: defaultFeatureConfig, labels: ['a', 'b'],
    threshold: 0.3, manifests: [], trainCounts: {}, nTrainClips: 1, nValClips: 1, groupsPerSpecies: {}, sameTapeSpecies: [], trainedOnRecordings: [],
    heldOutRecordings: [], bestEpoch: 1, epochs: 1, epochSeconds: 1, disjointTop: m, disjointThresholded: m, sameTapeTop: null,
    continuousThresholded: null, resampling: [], stream: null, baselines: [], confusionPng: 'c.png', ...(crossSplits ? { crossSplits } : {}),
  };
}

describe('model card calibration', () => {
  const withCal = (errorBefore: number, errorAfter: number): CardInput => ({ ...card(5), calibration: { temperature: 1.25, errorBefore, errorAfter, n: 325 } });

  it('says a top probability is a frequency only when the temperature lowered the calibration error', () => {
    const better = renderCard(withCal(0.072, 0.033));
    expect(better).toContain('so that a top probability of 0.7 is right about 70 % of the time there. Expected calibration error on those examples (10 bins of top probability): 0.072 → 0.033');
    const worse = renderCard(withCal(0.033, 0.072));
    expect(worse).not.toContain('right about 70 % of the time');
    expect(worse).toContain('That lowered the log-loss there but not the expected calibration error on those examples (10 bins of top probability): 0.033 → 0.072');
    expect(worse).toContain('Read a top probability as a ranking score, not as how often it is right.');
  });

  it('says when a fitted temperature was declined, and that the probabilities are the network\'s own', () => {
    const md = renderCard({ ...card(5), calibration: { temperature: 1, errorBefore: 0.033, errorAfter: 0.033, n: 325, declined: { temperature: 1.25, error: 0.072 } } });
    expect(md).toContain("Probabilities are the network's own: a temperature fitted on the 325 validation examples (clips and held-out windows) by log-likelihood (1.25) would have raised their expected calibration error (10 bins of top probability) from 0.033 to 0.072, so it is not applied");
    expect(md).not.toContain('temperature-scaled');
  });
});

describe('model card across splits', () => {
  const rows = [
    { seed: 4, n: 10, accuracy: 0.5, macroF1: 0.5, at22050: { accuracy: 0.4, macroF1: 0.4 } },
    { seed: 5, n: 12, accuracy: 0.7, macroF1: 0.6, at22050: { accuracy: 0.6, macroF1: 0.5 } },
    { seed: 6, n: 11, accuracy: 0.6, macroF1: 0.7, at22050: { accuracy: 0.5, macroF1: 0.6 } },
  ];

  it('lists every split seed with its numbers and the mean ± sd', () => {
    const md = renderCard(card(5, rows));
    expect(md).toContain('## Across splits');
    expect(md).toContain('`--cross-splits 3`; split seed 4 is the split above');
    expect(md).toContain('| 5 | 12 | 70.0 % | 0.600 | 60.0 % |');
    expect(md).toContain('| **mean ± sd** | | **60.0 % ± 10.0** | **0.600 ± 0.100** | 50.0 % ± 10.0 |');
    expect(md).toContain('**not met**: 60.0 % and 0.600 averaged over 3 split seeds; on the split above 50.0 %');
  });

  it('has no such section for one split, and judges the targets on that split', () => {
    const md = renderCard(card(5));
    expect(md).not.toContain('## Across splits');
    expect(md).toContain('**not met**: 50.0 % and 0.333 by top label');
    expect(renderCard(card(10))).toContain('are **met**: 100.0 %');
  });

  it('judges the targets on the mean when there are several splits, not on the lucky one', () => {
    const high = rows.map((r) => ({ ...r, accuracy: 0.95, macroF1: 0.92 }));
    expect(renderCard(card(5, high))).toContain('are **met**: 95.0 % and 0.920 averaged over 3 split seeds');
    const lucky = [{ ...rows[0], accuracy: 1, macroF1: 1 }, rows[1]];
    expect(renderCard(card(10, lucky))).toContain('are **not met**');
  });
});
