// Early stopping per branch for the statistics-head models trained with separate losses. The two
// branches share only the input: each learns from its own cross-entropy (architectures.ts
// trainingView), so keeping each at its own best epoch is the same as training each alone for that
// long. One shared checkpoint stopped where the fast statistics head peaked (epoch 4–6) and left the
// conv branch at 7–51 % alone on unseen tapes against ~47 % for a fully trained tcn-cmn.
import * as tf from '@tensorflow/tfjs';
import { STATS_HEAD } from './arch-names.ts';

const STATS_BRANCH: readonly string[] = [STATS_HEAD.stats, STATS_HEAD.bn, STATS_HEAD.dropout, STATS_HEAD.logits];

export type Branch = 'conv' | 'stats';

/** The names of the layers with weights in each branch of a statistics-head model. */
export function branchLayers(model: tf.LayersModel): Record<Branch, string[]> {
  const withWeights = model.layers.filter((l) => l.getWeights().length > 0).map((l) => l.name);
  const stats = withWeights.filter((n) => STATS_BRANCH.includes(n));
  if (!stats.includes(STATS_HEAD.logits)) throw new Error(`branchLayers: model ${model.name} has no statistics head`);
  return { conv: withWeights.filter((n) => !STATS_BRANCH.includes(n)), stats };
}

/** Best epoch and weights of each branch, by a score per branch (higher is better). */
export class BranchCheckpoints {
  private readonly layers: Record<Branch, string[]>;
  private readonly best: Record<Branch, { score: number; epoch: number; weights: Map<string, tf.Tensor[]> | null }> = {
    conv: { score: -Infinity, epoch: 0, weights: null },
    stats: { score: -Infinity, epoch: 0, weights: null },
  };

  constructor(private readonly model: tf.LayersModel) {
    this.layers = branchLayers(model);
  }

  /** Records the epoch's scores; snapshots a branch whose score beat its best. Returns the branches that improved. */
  update(epoch: number, scores: Record<Branch, number>): Branch[] {
    const improved: Branch[] = [];
    for (const b of ['conv', 'stats'] as const) {
      if (!(scores[b] > this.best[b].score)) continue;
      this.keep(b, epoch, scores[b]);
      improved.push(b);
    }
    return improved;
  }

  /** Snapshots branch `b` as it is now, as its weights of `epoch` (the refit keeps each branch at the split run's epoch). */
  keep(b: Branch, epoch: number, score = Infinity): void {
    this.dropWeights(b);
    this.best[b] = { score, epoch, weights: this.snapshot(b) };
  }

  epochOf(b: Branch): number {
    return this.best[b].epoch;
  }

  /** The later of the two best epochs: training past it by `patience` epochs has improved neither. */
  lastBest(): number {
    return Math.max(this.best.conv.epoch, this.best.stats.epoch);
  }

  /** Sets each branch to its best weights and frees the snapshots. */
  restore(): void {
    for (const b of ['conv', 'stats'] as const) {
      const w = this.best[b].weights;
      if (w) for (const [name, ws] of w) this.model.getLayer(name).setWeights(ws);
      this.dropWeights(b);
    }
  }

  private snapshot(b: Branch): Map<string, tf.Tensor[]> {
    return new Map(this.layers[b].map((n) => [n, this.model.getLayer(n).getWeights().map((w) => w.clone())]));
  }

  private dropWeights(b: Branch): void {
    this.best[b].weights?.forEach((ws) => ws.forEach((w) => w.dispose()));
    this.best[b].weights = null;
  }
}
