// The tfjs side of loading a classifier: the layers model through tfjs (every architecture), folded
// and handed to onnxruntime where it can run it, else run on the tfjs wasm backend. classifier.ts
// imports this only when its tfjs-free onnxruntime path does not apply, so a station on
// onnxruntime never loads tfjs.
import * as tf from '@tensorflow/tfjs';
import { featureRows } from '../streams/dsp/adaptive.ts';
import { normaliseBatch, packBatch, type Engine } from './batch.ts';
import { foldedForward, foldTcn, type FoldedTcn } from './fast-forward.ts';
import { loadSaved, type SavedModel } from './model-io.ts';
import { onnxEngine } from './onnx/engine.ts';
import { useWasmBackend } from './wasm-backend.ts';

function wasmEngine(folded: FoldedTcn | null, s: SavedModel): Engine {
  const { model, featureConfig, meta } = s;
  const fast = folded ? foldedForward(folded) : null;
  const forward = fast ? fast.forward : (x: tf.Tensor3D): tf.Tensor2D => model.apply(x, { training: false }) as tf.Tensor2D;
  const rows = featureRows(featureConfig), n = featureConfig.nMfcc;
  return {
    backend: 'tfjs-wasm',
    run(batch) {
      // The fused forward has the standardisation folded into its weights: it takes raw features.
      const flat = fast ? packBatch(batch, featureConfig) : normaliseBatch(batch, featureConfig, meta.norm.mean, meta.norm.std);
      // Not model.predict(): it slices the batch into 32s and costs ~15 ms of bookkeeping per call.
      // The tensor leaves tidy, not its data: tidy walks a returned typed array element by element.
      const out = tf.tidy(() => forward(tf.tensor3d(flat, [batch.length, rows, n])));
      const p = out.dataSync() as Float32Array;
      out.dispose();
      return p;
    },
    dispose() { fast?.dispose(); model.dispose(); },
  };
}

/**
 * Loads `dir` through tfjs. The tcn layouts go to onnxruntime unless `request` is 'wasm' (or it
 * is not installed); `forcedBy` names what demanded onnxruntime, which makes its absence, or a
 * layout it cannot run, an error.
 */
export async function tfjsEngine(dir: string, request: 'auto' | 'wasm' | 'onnx', forcedBy: string | null): Promise<Engine> {
  await useWasmBackend();
  const saved = await loadSaved(dir); // its feature config was checked by the caller (classifier.ts)
  try {
    const folded = foldTcn(saved.model, saved.meta.norm);
    if (forcedBy && !folded) throw new Error(`${forcedBy}: model ${dir} (${saved.meta.arch}) is not a tcn layout, which only the tfjs wasm backend runs`);
    const ort = folded && request !== 'wasm' ? await onnxEngine(dir, folded, saved.featureConfig, saved.meta.name, forcedBy) : null;
    if (ort) saved.model.dispose(); // the layers model is not needed once folded and exported
    return ort ?? wasmEngine(folded, saved);
  } catch (err) {
    saved.model.dispose();
    throw err;
  }
}
