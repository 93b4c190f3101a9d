// Window → fixed-size MFCC matrix (T × nMfcc), by duration-aware adaptive sampling
// (streams/dsp/adaptive.ts). Uses the window's mel frames when the stream computed them.
import { map, type OperatorFunction } from 'rxjs';
import { checkFeatureConfig, featureRows, fixedFeatures } from '../dsp/adaptive.ts';
import type { FeatureConfig, FeatureFrame, Window } from '../types.ts';

export function features(cfg: FeatureConfig): OperatorFunction<Window, FeatureFrame> {
  checkFeatureConfig(cfg);
  const shape = [featureRows(cfg), cfg.nMfcc] as const;
  return map((window: Window): FeatureFrame => {
    try {
      return { window, mfcc: fixedFeatures(window, cfg), shape };
    } catch (err) {
      const at = new Date(window.start).toISOString();
      throw new Error(`features: station ${window.station}, ${window.kind} window at ${at}: ${(err as Error).message}`);
    }
  });
}
