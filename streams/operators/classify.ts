// Features and species for every window of a batch: fixed-size MFCC (duration-aware, see
// dsp/adaptive.ts), then one model call for the whole batch.
import { map, type OperatorFunction } from 'rxjs';
import { featureLength, fixedFeaturesInto } from '../dsp/adaptive.ts';
import type { FeatureConfig, Window, WindowClassifier, WindowResult } from '../types.ts';

export function classifyWindows(model: WindowClassifier | null, cfg: FeatureConfig): OperatorFunction<Window[], WindowResult[]> {
  return map((windows) => {
    if (!model || windows.length === 0) return windows.map((window) => ({ window, prediction: null }));
    // one buffer for the batch, each window's matrix a view of it: one allocation per block
    const dim = featureLength(cfg);
    const flat = new Float32Array(windows.length * dim);
    const feats = windows.map((w, i) => fixedFeaturesInto(w, cfg, flat.subarray(i * dim, (i + 1) * dim)));
    const preds = model.predictBatch(feats);
    if (preds.length !== windows.length) {
      throw new Error(`model ${model.name} returned ${preds.length} predictions for ${windows.length} windows`);
    }
    return windows.map((window, i) => ({ window, prediction: preds[i] }));
  });
}
