// The one FeatureConfig the shipped models are trained with and the live pipeline computes.
// Why these numbers:
// - 16 kHz analysis rate: every recorder (2 kHz right-whale buoys to 166.6 kHz Watkins tapes) is
//   resampled to it, so the native rate carries no label; 8 kHz Nyquist keeps most dolphin whistle
//   energy (fundamentals 5–15 kHz) while a 2 kHz buoy simply leaves the upper bands empty.
// - fmin 20 Hz: right-whale upcalls sit at 50–250 Hz, fin/blue calls lower; nothing useful below 20.
// - nFft 1024 (64 ms, 15.6 Hz bins): narrow enough that the lowest mel bands (≈25 Hz wide) are
//   not empty; hop 256 (16 ms) resolves clicks and upcall sweeps.
// - 64 frames × 60 MFCC: a 2 s window is 125 base frames, pooled to 64; 9× cheaper per epoch than
//   the 560-frame image of the research and still enough to see a 1 s sweep.
import type { FeatureConfig } from '../streams/types.ts';

export const defaultFeatureConfig: FeatureConfig = Object.freeze({
  sampleRate: 16000,
  nFft: 1024,
  hop: 256,
  nMels: 64,
  nMfcc: 60,
  fmin: 20,
  fmax: 8000,
  frames: 64,
  center: true,
  padMode: 'constant',
  topDb: 80,
});

/** Field-by-field differences between two configs ("nMels: 64 ≠ 128"), empty when they agree. */
export function featureConfigDiff(a: FeatureConfig, b: FeatureConfig): string[] {
  const keys = Object.keys(defaultFeatureConfig) as (keyof FeatureConfig)[];
  const out: string[] = [];
  for (const k of keys) if (a[k] !== b[k]) out.push(`${k}: ${String(a[k])} ≠ ${String(b[k])}`);
  return out;
}
