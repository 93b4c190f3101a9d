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
