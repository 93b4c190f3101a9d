// Each branch of a statistics-head model kept at its own best epoch: the restored model is the conv
// branch of one epoch and the statistics head of another, nothing mixed up.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArch } from '../../models/architectures.ts';
import { BranchCheckpoints, branchLayers } from '../../models/branch-checkpoint.ts';
import { useWasmBackend } from '../../models/wasm-backend.ts';

beforeAll(useWasmBackend);

const build = () => buildArch('tcn-cmn-stats', { frames: 16, nMfcc: 6, nClasses: 3, seed: 4 });
/** Every weight of the listed layers set to `v` (a stand-in for "the weights after epoch v"). */
const fill = (m: tf.LayersModel, names: string[], v: number) => {
  for (const n of names) m.getLayer(n).setWeights(m.getLayer(n).getWeights().map((w) => tf.fill(w.shape, v)));
};
const valuesOf = (m: tf.LayersModel, names: string[]) => new Set(names.flatMap((n) => m.getLayer(n).getWeights().flatMap((w) => Array.from(w.dataSync()))));

describe('branchLayers', () => {
  it('splits the layers with weights into the statistics head and the rest', () => {
    const m = build();
    const { conv, stats } = branchLayers(m);
    expect(stats).toEqual(['stats_bn', 'stats_logits']);
    expect(conv).toContain('conv_logits');
    expect(conv.some((n) => n.startsWith('stats'))).toBe(false);
    const all = m.layers.filter((l) => l.getWeights().length > 0).map((l) => l.name);
    expect([...conv, ...stats].sort()).toEqual(all.sort());
  });

  it('refuses a model without a statistics head', () => {
    expect(() => branchLayers(buildArch('tcn-cmn', { frames: 16, nMfcc: 6, nClasses: 3, seed: 4 }))).toThrow(/no statistics head/);
  });
});

describe('BranchCheckpoints', () => {
  it('restores each branch to the weights of the epoch where its own score was best', () => {
    const m = build();
    const { conv, stats } = branchLayers(m);
    const ck = new BranchCheckpoints(m);
    const scores = [{ conv: 0.2, stats: 0.5 }, { conv: 0.4, stats: 0.7 }, { conv: 0.6, stats: 0.6 }, { conv: 0.5, stats: 0.1 }];
    const improved: string[][] = [];
    scores.forEach((s, i) => {
      fill(m, [...conv, ...stats], i + 1);
      improved.push(ck.update(i + 1, s));
    });
    expect(improved).toEqual([['conv', 'stats'], ['conv', 'stats'], ['conv'], []]);
    expect([ck.epochOf('conv'), ck.epochOf('stats'), ck.lastBest()]).toEqual([3, 2, 3]);
    ck.restore();
    expect(valuesOf(m, conv)).toEqual(new Set([3]));
    expect(valuesOf(m, stats)).toEqual(new Set([2]));
  });

  it('keep snapshots a branch unconditionally (the refit keeps each at a given epoch)', () => {
    const m = build();
    const { conv, stats } = branchLayers(m);
    const ck = new BranchCheckpoints(m);
    for (let e = 1; e <= 4; e++) {
      fill(m, [...conv, ...stats], e);
      if (e === 1) ck.keep('stats', e);
      if (e === 4) ck.keep('conv', e);
    }
    ck.restore();
    expect(valuesOf(m, conv)).toEqual(new Set([4]));
    expect(valuesOf(m, stats)).toEqual(new Set([1]));
  });
});
