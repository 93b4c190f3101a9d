// The FeatureConfigs models are trained with and the live pipeline computes (the pipeline takes
// the loaded model's own). Why these numbers:
// - Analysis rate 16 or 32 kHz: every recorder (2 kHz right-whale buoys to 166.6 kHz Watkins tapes)
//   is resampled to it, so the native rate carries no label; a 2 kHz buoy simply leaves the upper
//   bands empty. 32 kHz keeps dolphin whistles and their harmonics above 8 kHz, which 16 kHz cuts
//   off; it costs about twice the FFT work per window.
// - fmin 20 Hz: right-whale upcalls sit at 50–250 Hz, fin/blue calls lower; nothing useful below 20.
// - 64 ms frames, 15.6 Hz bins (nFft 1024 at 16 kHz): narrow enough that the lowest mel bands
//   (≈25 Hz wide) are not empty; 16 ms hop resolves clicks and upcall sweeps.
// - 64 frames × 60 MFCC: a 2 s window is 125 base frames, pooled to 64; 9× cheaper per epoch than
//   the 560-frame image of the research and still enough to see a 1 s sweep.
import type { FeatureConfig } from '../streams/types.ts';

const base16k: FeatureConfig = Object.freeze({
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

/** Analysis rates a model may be trained at: nFft stays a power of two and bins stay 15.6 Hz wide. */
export const ANALYSIS_RATES: readonly number[] = Object.freeze([16000, 32000]);

/**
 * The config the code computes at an analysis rate: same seconds per frame and hop, hertz per bin;
 * band up to Nyquist. With `rhythm`, the features carry the envelope-rhythm row (streams/dsp/rhythm.ts).
 */
export function featureConfigAt(sampleRate: number, rhythm = false): FeatureConfig {
  if (!ANALYSIS_RATES.includes(sampleRate)) throw new Error(`analysis rate ${sampleRate} Hz is not supported (use one of ${ANALYSIS_RATES.join(', ')})`);
  const k = sampleRate / base16k.sampleRate;
  const cfg = { ...base16k, sampleRate, nFft: base16k.nFft * k, hop: base16k.hop * k, fmax: sampleRate / 2 };
  // no key at all without rhythm: configs saved before it existed stay byte-identical
  return Object.freeze(rhythm ? { ...cfg, rhythm: true } : cfg);
}

/** The analysis rate of `hydromon train` without --analysis-rate, and of the shipped model. */
export const DEFAULT_ANALYSIS_RATE = 32000;

/**
 * The MFCC config of the shipped models at 32 kHz and the pipeline's when no model is loaded. The
 * shipped 32 kHz model adds the rhythm row (featureConfigAt(32000, true), in its own folder); a
 * loaded model's config always wins.
 */
export const defaultFeatureConfig: FeatureConfig = featureConfigAt(DEFAULT_ANALYSIS_RATE);

/** Why a saved model's config is not one the code computes (empty when it is). */
export function featureConfigProblems(cfg: FeatureConfig): string[] {
  if (!ANALYSIS_RATES.includes(cfg.sampleRate)) return [`sampleRate: ${String(cfg.sampleRate)} is not one of ${ANALYSIS_RATES.join(', ')}`];
  if (cfg.rhythm !== undefined && typeof cfg.rhythm !== 'boolean') return [`rhythm: ${String(cfg.rhythm)} is not true or false`];
  return featureConfigDiff(cfg, featureConfigAt(cfg.sampleRate, cfg.rhythm === true));
}

/** Field-by-field differences between two configs ("nMels: 64 ≠ 128"), empty when they agree. */
export function featureConfigDiff(a: FeatureConfig, b: FeatureConfig): string[] {
  const keys = Object.keys(defaultFeatureConfig) as (keyof FeatureConfig)[];
  const out: string[] = [];
  for (const k of keys) if (a[k] !== b[k]) out.push(`${k}: ${String(a[k])} ≠ ${String(b[k])}`);
  // absent and false are the same: no rhythm row
  if ((a.rhythm === true) !== (b.rhythm === true)) out.push(`rhythm: ${String(a.rhythm === true)} ≠ ${String(b.rhythm === true)}`);
  return out;
}
