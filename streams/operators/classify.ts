// Features and species for every window of a batch: fixed-size MFCC (duration-aware, see
// dsp/adaptive.ts), then one model call for the whole batch.
import { map, type OperatorFunction } from 'rxjs';
import { fixedFeatures } from '../dsp/adaptive.ts';
import type { FeatureConfig, Window, WindowClassifier, WindowResult } from '../types.ts';

export function classifyWindows(model: WindowClassifier | null, cfg: FeatureConfig): OperatorFunction<Window[], WindowResult[]> {
  return map((windows) => {
    if (!model || windows.length === 0) return windows.map((window) => ({ window, prediction: null }));
    const feats = windows.map((w) => fixedFeatures(w, cfg));
    const preds = model.predictBatch(feats);
    if (preds.length !== windows.length) {
      throw new Error(`model ${model.name} returned ${preds.length} predictions for ${windows.length} windows`);
    }
    return windows.map((window, i) => ({ window, prediction: preds[i] }));
  });
}
