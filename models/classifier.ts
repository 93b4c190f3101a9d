// The interface the live pipeline calls: load a model folder once, then classify batches of
// fixedFeatures matrices (T × nMfcc each). The tcn layouts run on onnxruntime when it is
// installed (onnx/), everything else on the tfjs wasm backend; HYDROMON_INFERENCE forces one.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { FeatureConfig, Prediction, WindowClassifier } from '../streams/types.ts';
import { featureConfigProblems } from './feature-config.ts';
import { foldedForward, foldTcn, type FoldedTcn } from './fast-forward.ts';
import { loadSaved, type SavedModel } from './model-io.ts';
import { INFERENCE_ENV, requestedInference, type InferenceBackend, type InferenceRequest } from './onnx/backend-choice.ts';
import { loadOrt } from './onnx/runtime.ts';
import { onnxTcnForward } from './onnx/tcn-session.ts';
import { projectRoot } from './paths.ts';
import { useWasmBackend } from './wasm-backend.ts';

/** Folder name of the shipped model under models/. */
export const DEFAULT_MODEL_NAME = 'hydromon-tcn';
export const defaultModelDir = (): string => join(projectRoot, 'models', DEFAULT_MODEL_NAME);
export const UNKNOWN = 'unknown';

export interface Classifier {
  readonly name: string;
  readonly labels: readonly string[];
  readonly featureConfig: FeatureConfig;
  readonly threshold: number;
  /** One Prediction per input (each T × nMfcc from fixedFeatures); species 'unknown' below threshold. */
  predict(batch: readonly Float32Array[]): Promise<Prediction[]>;
  dispose(): void;
}

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

export interface SyncClassifier extends Classifier, WindowClassifier {
  /** Which engine runs this model's inference. */
  readonly backend: InferenceBackend;
  /** Synchronous twin of predict (both backends compute in place): the pipeline's form. */
  predictBatch(batch: readonly Float32Array[]): Prediction[];
  dispose(): void;
}

export interface LoadOptions {
  /** Which engine to use; overrides HYDROMON_INFERENCE (default: that variable, else 'auto'). */
  readonly inference?: InferenceRequest;
}

/** The batch as probabilities [B·classes] (raw features in), and what to free on dispose. */
interface Engine { readonly backend: InferenceBackend; readonly run: (batch: readonly Float32Array[]) => Float32Array; readonly dispose: () => void }

/** onnxruntime for a folded tcn, or null where it is not available (an error if `forcedBy` says it must run). */
async function onnxEngine(dir: string, folded: FoldedTcn, s: SavedModel, forcedBy: string | null): Promise<Engine | null> {
  const ort = loadOrt();
  if (!ort.runtime) {
    if (forcedBy) throw new Error(`${forcedBy}: onnxruntime cannot run model ${dir}: ${ort.reason}`);
    return null;
  }
  const f = await onnxTcnForward(ort.runtime, folded, s.featureConfig.frames, s.meta.name);
  // The layers model and its tensors are not needed once folded and exported.
  s.model.dispose();
  return { backend: 'onnxruntime', run: (batch) => f.forward(packBatch(batch, s.featureConfig)), dispose: () => f.dispose() };
}

function wasmEngine(folded: FoldedTcn | null, s: SavedModel): Engine {
  const { model, featureConfig, meta } = s;
  const fast = folded ? foldedForward(folded) : null;
  const forward = fast ? fast.forward : (x: tf.Tensor3D): tf.Tensor2D => model.apply(x, { training: false }) as tf.Tensor2D;
  const { frames: T, nMfcc: n } = featureConfig;
  return {
    backend: 'tfjs-wasm',
    run(batch) {
      // The fused forward has the standardisation folded into its weights: it takes raw features.
      const flat = fast ? packBatch(batch, featureConfig) : normaliseBatch(batch, featureConfig, meta.norm.mean, meta.norm.std);
      // Not model.predict(): it slices the batch into 32s and costs ~15 ms of bookkeeping per call.
      // The tensor leaves tidy, not its data: tidy walks a returned typed array element by element.
      const out = tf.tidy(() => forward(tf.tensor3d(flat, [batch.length, T, n])));
      const p = out.dataSync() as Float32Array;
      out.dispose();
      return p;
    },
    dispose() { fast?.dispose(); model.dispose(); },
  };
}

export async function loadClassifier(dir: string = defaultModelDir(), opts: LoadOptions = {}): Promise<SyncClassifier> {
  const request = opts.inference ?? requestedInference();
  const forcedBy = request !== 'onnx' ? null : opts.inference ? "inference: 'onnx'" : `${INFERENCE_ENV}=onnx`;
  await useWasmBackend();
  const saved = await loadSaved(dir);
  const diff = featureConfigProblems(saved.featureConfig);
  if (diff.length > 0) {
    saved.model.dispose();
    throw new Error(`model ${dir} was trained with a different feature config than the code computes (${diff.join(', ')}); retrain it or use a matching build`);
  }
  const { labels, featureConfig, meta } = saved;
  let engine: Engine;
  try {
    const folded = foldTcn(saved.model, meta.norm);
    if (forcedBy && !folded) throw new Error(`${forcedBy}: model ${dir} (${meta.arch}) is not a tcn layout, which only the tfjs wasm backend runs`);
    engine = (folded && request !== 'wasm' ? await onnxEngine(dir, folded, saved, forcedBy) : null) ?? wasmEngine(folded, saved);
  } catch (err) {
    saved.model.dispose();
    throw err;
  }
  let disposed = false;
  const predictBatch = (batch: readonly Float32Array[]): Prediction[] => {
    if (disposed) throw new Error(`classifier ${meta.name}: used after dispose()`);
    if (batch.length === 0) return [];
    const p = engine.run(batch);
    const k = labels.length;
    return batch.map((_, b) => {
      const row = p.slice(b * k, (b + 1) * k);
      let best = 0;
      for (let j = 1; j < k; j++) if (row[j] > row[best]) best = j;
      const confidence = row[best];
      return { species: confidence >= meta.threshold ? labels[best] : UNKNOWN, confidence, probs: row };
    });
  };
  return {
    name: meta.name,
    labels,
    featureConfig,
    threshold: meta.threshold,
    trainedWithNoiseGate: meta.noiseGate === true,
    backend: engine.backend,
    predictBatch,
    predict: async (batch) => predictBatch(batch),
    dispose() {
      if (!disposed) engine.dispose();
      disposed = true;
    },
  };
}

/** The pipeline's entry point (streams/types.ts WindowClassifier): the same classifier. */
export function loadWindowClassifier(dir: string = defaultModelDir()): Promise<SyncClassifier> {
  return loadClassifier(dir);
}
