// A batch of fixedFeatures matrices as the one flat buffer the inference engines take, and the
// engine shape both backends (classifier.ts: onnxruntime; classifier-tfjs.ts: tfjs) fill in.
import { featureLength, featureRows } from '../streams/dsp/adaptive.ts';
import type { FeatureConfig } from '../streams/types.ts';
import type { InferenceBackend } from './onnx/backend-choice.ts';

/** The batch as probabilities [B·classes] (raw features in), and what to free on dispose. */
export interface Engine { readonly backend: InferenceBackend; readonly run: (batch: readonly Float32Array[]) => Float32Array; readonly dispose: () => void }

/**
 * Standardises each coefficient of the T MFCC frames with the training statistics, into one
 * [B·rows·n] buffer; the rhythm row, when the config has one, is copied as it is (the model's own
 * batch-norm scales it).
 */
export function normaliseBatch(batch: readonly Float32Array[], cfg: FeatureConfig, mean: readonly number[], std: readonly number[]): Float32Array {
  const n = cfg.nMfcc, T = cfg.frames, dim = featureLength(cfg), mfcc = T * n;
  const mu = Float32Array.from(mean);
  const inv = Float32Array.from(std, (s) => 1 / s);
  const out = new Float32Array(batch.length * dim);
  for (let b = 0; b < batch.length; b++) {
    const x = batch[b];
    if (x.length !== dim) throw new Error(`classifier: input ${b} has ${x.length} values, expected ${featureRows(cfg)}×${n} = ${dim}`);
    // frame by frame, coefficient innermost: no division or modulo per value
    const o = b * dim;
    for (let t = 0; t < mfcc; t += n) {
      for (let j = 0; j < n; j++) out[o + t + j] = (x[t + j] - mu[j]) * inv[j];
    }
    if (dim > mfcc) out.set(x.subarray(mfcc), o + mfcc);
  }
  return out;
}

/** The batch as one [B·T·n] buffer, unchanged (inputs of the wrong size are an error). */
export function packBatch(batch: readonly Float32Array[], cfg: FeatureConfig): Float32Array {
  const dim = featureLength(cfg);
  const out = new Float32Array(batch.length * dim);
  batch.forEach((x, b) => {
    if (x.length !== dim) throw new Error(`classifier: input ${b} has ${x.length} values, expected ${featureRows(cfg)}×${cfg.nMfcc} = ${dim}`);
    out.set(x, b * dim);
  });
  return out;
}
