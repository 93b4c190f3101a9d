// The architecture names, apart from their tfjs definitions (architectures.ts): the CLI lists
// them without loading tfjs, which every other command (run, replay) would then carry.
export type ArchName = 'seed-cnn' | 'dense-baseline' | 'tcn' | 'tcn-cmn' | 'tcn-cmn-lite' | 'tcn-cmn-slim' | 'tcn-cmn-stats';
export const ARCH_NAMES: readonly ArchName[] = ['seed-cnn', 'dense-baseline', 'tcn', 'tcn-cmn', 'tcn-cmn-lite', 'tcn-cmn-slim', 'tcn-cmn-stats'];

export function isArchName(s: string): s is ArchName {
  return (ARCH_NAMES as readonly string[]).includes(s);
}

/** Added under the square root of ClipStatistics' variance (architectures.ts); fold.ts needs it without tfjs. */
export const CLIP_STATS_EPS = 1e-6;

/** Layer names of the statistics head (architectures.ts builds it, fold.ts finds it by them, without tfjs). */
/** Layers that split a rhythm model's input into the MFCC frames and the rhythm row (architectures.ts). */
export const RHYTHM_INPUT = { frames: 'mfcc_frames', row: 'rhythm_row', flat: 'rhythm_flat', join: 'stats_rhythm' } as const;

export const STATS_HEAD = { stats: 'stats', bn: 'stats_bn', dropout: 'stats_dropout', logits: 'stats_logits', conv: 'conv_logits', sum: 'logits', probs: 'probs' } as const;

/**
 * The shipped recipe's share of the clips' sliding windows the statistics head learns from. Whole
 * clips only (0) named calls inside longer sound right about a third of the time (live 2 s windows'
 * vote over 30 s: 29.6 %); 0.25 raised that to 50.7 % for 3 points on tight cuts, 0.1 to 44.7 % for
 * 1.6, every view (1) to 48.5 % for 4.9 (six paired runs each; model card).
 */
export const DEFAULT_STATS_VIEWS = 0.25;

/**
 * The shipped recipe's floor on the detection threshold (threshold.ts). Its refit calibrated to 0.3
 * on the held-out background, where synthetic sea-noise probes (ship, rain, shrimp, sounder; of 25)
 * made 9, 2, 19 and 21 detections and a 500 Hz square wave was a species; at 0.5 7, 2, 18 and 14,
 * the square wave unknown, right-whale upcalls still 22 of 24 (model card).
 */
export const DEFAULT_MIN_THRESHOLD = 0.5;
