// The recipe scored on several tape-disjoint splits, not one. With few tapes per species one split
// moves by ±8 points (six runs of the shipped recipe: 50.0–66.3 %), so a card that reports a single
// split says more about that draw than about the model. Each extra split trains the same recipe
// (same init seed) on another split seed, without refit or streaming check.
import { resampleCheck } from './checks.ts';
import type { Metrics } from './metrics.ts';
import { isDisjointClip, predictProbs, subsetMetrics, train, type TrainOptions, type TrainResult } from './train.ts';

export interface SplitScore {
  readonly seed: number;
  /** Tape-disjoint validation clips scored. */
  readonly n: number;
  readonly accuracy: number;
  readonly macroF1: number;
  /** The same clips resampled to 22,050 Hz first (absent when checks were skipped). */
  readonly at22050?: { readonly accuracy: number; readonly macroF1: number };
}

/** A split's row from its top-label metrics on the unseen-tape clips (and on them resampled to 22,050 Hz, when checked). */
export function splitScore(seed: number, m: Metrics, at22050?: Metrics): SplitScore {
  const row = { seed, n: m.n, accuracy: m.accuracy, macroF1: m.macro_f1 };
  return at22050 ? { ...row, at22050: { accuracy: at22050.accuracy, macroF1: at22050.macro_f1 } } : row;
}

/** A finished extra split run's row; the 22,050 Hz check when asked. */
async function scoreSplit(res: TrainResult, seed: number, resampled: boolean): Promise<SplitScore> {
  const m = subsetMetrics(res, isDisjointClip, 0);
  if (!resampled) return splitScore(seed, m);
  const sameTape = new Set(res.split.sameTapeSpecies);
  const probs = (xs: readonly Float32Array[]) => predictProbs(res.model, xs, res.cfg, res.norm, res.labels.length);
  const checks = await resampleCheck(res.split.val.filter((c) => !sameTape.has(c.species)), probs, res.labels, res.cfg, [22050]);
  return splitScore(seed, m, checks.find((c) => c.rate === 22050)!.metrics);
}

/** Refuses, before any training, what cross-splits cannot do. */
export function checkCrossSplits(o: TrainOptions & { readonly crossSplits?: number }): void {
  const n = o.crossSplits ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new Error(`cross-splits: need a whole number ≥ 1, got ${n}`);
  if (n > 1 && (o.teachers ?? []).length > 0) throw new Error('cross-splits: distillation teachers are trained on one split; they cannot teach the others');
}

/** Trains the recipe on split seeds seed+1 … seed+extra and scores each; the main run's split is scored by the caller. */
export async function extraSplits(o: TrainOptions, extra: number, resampled: boolean, log: (m: string) => void): Promise<SplitScore[]> {
  const out: SplitScore[] = [];
  for (let k = 1; k <= extra; k++) {
    const seed = o.seed + k;
    log(`cross-splits: split seed ${seed} (${k} of ${extra} more)`);
    const res = await train({ ...o, seed, initSeed: o.initSeed ?? o.seed, refitAll: false, onEpoch: undefined, onBatch: undefined });
    try {
      out.push(await scoreSplit(res, seed, resampled));
    } finally {
      res.model.dispose(); // not tf.disposeVariables(): the main run's models are still alive
    }
    const r = out[out.length - 1];
    log(`cross-splits: split seed ${seed}: ${(100 * r.accuracy).toFixed(1)} % / ${r.macroF1.toFixed(3)} on ${r.n} unseen-tape clips`);
  }
  return out;
}
