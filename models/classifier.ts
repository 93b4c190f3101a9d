// The interface the live pipeline calls: load a model folder once, then classify batches of
// fixedFeatures matrices (T × nMfcc each). The tcn layouts run on onnxruntime when it is
// installed (onnx/), everything else on the tfjs wasm backend; HYDROMON_INFERENCE forces one.
import { join } from 'node:path';
import type { FeatureConfig, Prediction, WindowClassifier } from '../streams/types.ts';
import type { Engine } from './batch.ts';
import { featureConfigProblems } from './feature-config.ts';
import { foldLayers } from './fold.ts';
import { readFolderMeta, readSavedLayers, type ClassifierMeta } from './model-folder.ts';
import { INFERENCE_ENV, requestedInference, type InferenceBackend, type InferenceRequest } from './onnx/backend-choice.ts';
import { onnxEngine } from './onnx/engine.ts';
import { loadOrt } from './onnx/runtime.ts';
import { projectRoot } from './paths.ts';

export { normaliseBatch, packBatch } from './batch.ts';

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

/**
 * The tcn layouts on onnxruntime straight from the folder's files: tfjs is never loaded (its
 * ~43 MB of live heap made every full GC of a replay several times longer). Null for anything
 * this path does not follow; the caller then goes through tfjs, which reads every saved model.
 */
async function folderEngine(dir: string, request: InferenceRequest, labels: readonly string[], featureConfig: FeatureConfig, meta: ClassifierMeta, forcedBy: string | null): Promise<Engine | null> {
  if (request === 'wasm' || !loadOrt().runtime) return null;
  const layers = readSavedLayers(dir);
  const folded = layers ? foldLayers(layers, meta.norm) : null;
  if (!folded) return null;
  const units = folded.output.shape[1];
  if (units !== labels.length) throw new Error(`model folder ${dir}: ${labels.length} labels but the model has ${units} outputs`);
  return onnxEngine(dir, folded, featureConfig, meta.name, forcedBy);
}

export async function loadClassifier(dir: string = defaultModelDir(), opts: LoadOptions = {}): Promise<SyncClassifier> {
  const request = opts.inference ?? requestedInference();
  const forcedBy = request !== 'onnx' ? null : opts.inference ? "inference: 'onnx'" : `${INFERENCE_ENV}=onnx`;
  const { labels, featureConfig, meta } = readFolderMeta(dir);
  const diff = featureConfigProblems(featureConfig);
  if (diff.length > 0) {
    throw new Error(`model ${dir} was trained with a different feature config than the code computes (${diff.join(', ')}); retrain it or use a matching build`);
  }
  const engine = (await folderEngine(dir, request, labels, featureConfig, meta, forcedBy)) ?? (await (await import('./classifier-tfjs.ts')).tfjsEngine(dir, request, forcedBy));
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
