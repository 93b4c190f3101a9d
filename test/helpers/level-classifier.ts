// A deliberately simple, fully known WindowClassifier for pipeline tests: it names a window "Tone"
// when its mean MFCC c0 (which follows log energy) is above a level, else "background". The real
// species model is tested in test/models; this one lets the pipeline's plumbing be checked exactly.
import { fixedFeatures } from '../../streams/dsp/adaptive.ts';
import type { FeatureConfig, Prediction, WindowClassifier } from '../../streams/types.ts';

/** Mean over frames of c0 (which follows log energy) of a T × nMfcc feature matrix. */
export function featuresC0(f: Float32Array, cfg: FeatureConfig): number {
  let s = 0;
  for (let t = 0; t < cfg.frames; t++) s += f[t * cfg.nMfcc];
  return s / cfg.frames;
}

/** Mean MFCC c0 of a stretch of audio, as the pipeline's feature code computes it. */
export function meanC0(x: Float32Array, sampleRate: number, cfg: FeatureConfig): number {
  return featuresC0(fixedFeatures({ samples: x, sampleRate }, cfg), cfg);
}

/** A threshold halfway between a quiet and a loud stretch (call after initDsp()). */
export function levelThreshold(quiet: Float32Array, loud: Float32Array, sampleRate: number, cfg: FeatureConfig): number {
  return (meanC0(quiet, sampleRate, cfg) + meanC0(loud, sampleRate, cfg)) / 2;
}

export function levelClassifier(cfg: FeatureConfig, c0Threshold: number): WindowClassifier & { calls: number; inputs: number } {
  const self = {
    name: 'level-test',
    labels: ['background', 'Tone'] as const,
    featureConfig: cfg,
    calls: 0,
    inputs: 0,
    predictBatch(batch: readonly Float32Array[]): Prediction[] {
      self.calls++;
      self.inputs += batch.length;
      return batch.map((x) => {
        const c0 = featuresC0(x, cfg);
        return c0 > c0Threshold ? { species: 'Tone', confidence: 0.9 } : { species: 'background', confidence: 0.8 };
      });
    },
  };
  return self;
}
