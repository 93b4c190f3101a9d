// A batch of fixedFeatures matrices as the one flat buffer the inference engines take, and the
// engine shape both backends (classifier.ts: onnxruntime; classifier-tfjs.ts: tfjs) fill in.
import type { FeatureConfig } from '../streams/types.ts';
import type { InferenceBackend } from './onnx/backend-choice.ts';

/** The batch as probabilities [B·classes] (raw features in), and what to free on dispose. */
export interface Engine { readonly backend: InferenceBackend; readonly run: (batch: readonly Float32Array[]) => Float32Array; readonly dispose: () => void }

/** Standardises each coefficient with the training statistics, into one [B·T·n] buffer. */
export function normaliseBatch(batch: readonly Float32Array[], cfg: FeatureConfig, mean: readonly number[], std: readonly number[]): Float32Array {
  const n = cfg.nMfcc, T = cfg.frames, dim = T * n;
  const mu = Float32Array.from(mean);
  const inv = Float32Array.from(std, (s) => 1 / s);
  const out = new Float32Array(batch.length * dim);
  for (let b = 0; b < batch.length; b++) {
    const x = batch[b];
    if (x.length !== dim) throw new Error(`classifier: input ${b} has ${x.length} values, expected ${T}×${n} = ${dim}`);
    // frame by frame, coefficient innermost: no division or modulo per value
    const o = b * dim;
    for (let t = 0; t < dim; t += n) {
      for (let j = 0; j < n; j++) out[o + t + j] = (x[t + j] - mu[j]) * inv[j];
    }
  }
  return out;
}

/** The batch as one [B·T·n] buffer, unchanged (inputs of the wrong size are an error). */
export function packBatch(batch: readonly Float32Array[], cfg: FeatureConfig): Float32Array {
  const dim = cfg.frames * cfg.nMfcc;
  const out = new Float32Array(batch.length * dim);
  batch.forEach((x, b) => {
    if (x.length !== dim) throw new Error(`classifier: input ${b} has ${x.length} values, expected ${cfg.frames}×${cfg.nMfcc} = ${dim}`);
    out.set(x, b * dim);
  });
  return out;
}
