// The single feature path: training, evaluation and the live pipeline all call fixedFeatures.
import { fixedFeatures } from '../streams/dsp/adaptive.ts';
import type { FeatureConfig } from '../streams/types.ts';

/** T × nMfcc features of samples at `sampleRate` (resampled to cfg.sampleRate inside). */
export function featuresOf(samples: Float32Array, sampleRate: number, cfg: FeatureConfig): Float32Array {
  return fixedFeatures({ samples, sampleRate }, cfg);
}
