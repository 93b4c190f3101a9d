// The statistics head of tcn-cmn-stats: what ClipStatistics computes, and the training view that
// gives each branch its own loss while inference multiplies the two distributions.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArch, ClipStatistics, trainingView } from '../../models/architectures.ts';
import { useWasmBackend } from '../../models/wasm-backend.ts';

beforeAll(useWasmBackend);

describe('ClipStatistics', () => {
  it('gives per coefficient the mean, the standard deviation and the mean absolute step over time', () => {
    // 4 frames × 2 coefficients
    const x = tf.tensor3d([[[1, 10], [3, 10], [2, 14], [6, 10]]]);
    const y = (new ClipStatistics({}).apply(x) as tf.Tensor).arraySync() as number[][];
    const sd = (v: number[]) => { const m = v.reduce((a, b) => a + b) / v.length; return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length + 1e-6); };
    const want = [3, 11, sd([1, 3, 2, 6]), sd([10, 10, 14, 10]), (2 + 1 + 4) / 3, (0 + 4 + 4) / 3];
    expect(y[0]).toHaveLength(6);
    y[0].forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });
});

describe('trainingView', () => {
  const model = () => buildArch('tcn-cmn-stats', { frames: 16, nMfcc: 6, nClasses: 3, seed: 4 });
  let x: tf.Tensor3D, y: tf.Tensor;
  beforeAll(() => {
    x = tf.randomNormal([5, 16, 6], 0, 1, 'float32', 9) as tf.Tensor3D;
    y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], 'int32'), 3);
  });

  it('is the model itself for models without a statistics head', () => {
    const m = buildArch('tcn-cmn', { frames: 16, nMfcc: 6, nClasses: 3, seed: 4 });
    expect(trainingView(m)).toEqual({ model: m, heads: 1 });
    const st = buildArch('tcn-cmn-stats', { frames: 16, nMfcc: 6, nClasses: 3, seed: 4 });
    expect(trainingView(st, 'joint')).toEqual({ model: st, heads: 1 }); // --head-loss joint
  });

  it('outputs both heads\' distributions; inference is their normalised product', () => {
    const m = model();
    const v = trainingView(m);
    expect(v.heads).toBe(2);
    const both = (v.model.predict(x) as tf.Tensor).arraySync() as number[][];
    const fused = (m.predict(x) as tf.Tensor).arraySync() as number[][];
    for (let i = 0; i < 5; i++) {
      const a = both[i].slice(0, 3), b = both[i].slice(3);
      expect(a.reduce((s, p) => s + p)).toBeCloseTo(1, 5);
      const prod = a.map((p, j) => p * b[j]), z = prod.reduce((s, p) => s + p);
      prod.forEach((p, j) => expect(fused[i][j]).toBeCloseTo(p / z, 5));
    }
  });

  it('the conv branch\'s gradient does not depend on the statistics head (it does through the fused output)', () => {
    const grads = (outputOf: (m: tf.LayersModel) => tf.LayersModel, statsScale: number): Float32Array => {
      const m = model();
      const head = m.getLayer('stats_logits');
      head.setWeights(head.getWeights().map((w) => tf.mul(w, statsScale)));
      const out = outputOf(m);
      const k = out.getLayer('conv_logits').trainableWeights[0];
      const heads = out.outputs[0].shape[1] === 6 ? 2 : 1;
      const target = heads === 2 ? tf.tile(y, [1, 2]) : y;
      const { grads: g } = tf.variableGrads(() => tf.mean(tf.metrics.categoricalCrossentropy(target, out.apply(x, { training: false }) as tf.Tensor)) as tf.Scalar, [k.read() as tf.Variable]);
      return Object.values(g)[0].dataSync() as Float32Array;
    };
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((d, v, i) => Math.max(d, Math.abs(v - b[i])), 0);
    const view = (m: tf.LayersModel) => trainingView(m).model;
    expect(maxDiff(grads(view, 1), grads(view, 30))).toBeLessThan(1e-6);
    const fused = (m: tf.LayersModel) => m;
    expect(maxDiff(grads(fused, 1), grads(fused, 30))).toBeGreaterThan(1e-4);
  });
});

describe('scaleLogits', () => {
  it.each(['tcn-cmn-stats', 'tcn-cmn', 'seed-cnn', 'dense-baseline'] as const)('%s: the output becomes softmax(logits / T)', async (arch) => {
    const { withTemperature } = await import('../../models/calibration.ts');
    const { scaleLogits } = await import('../../models/architectures.ts');
    const m = buildArch(arch, { frames: 16, nMfcc: 6, nClasses: 3, seed: 4 });
    const x = tf.randomNormal([4, 16, 6], 0, 1, 'float32', 3) as tf.Tensor3D;
    const before = (m.predict(x) as tf.Tensor).arraySync() as number[][];
    scaleLogits(m, 2.5);
    const after = (m.predict(x) as tf.Tensor).arraySync() as number[][];
    before.forEach((p, i) => withTemperature(p, 2.5).forEach((q, j) => expect(after[i][j]).toBeCloseTo(q, 5)));
    expect(Math.abs(after[0][0] - before[0][0])).toBeGreaterThan(1e-4);
  });
});

describe('weightConvBranch', () => {
  it('the output becomes softmax(w · conv logits + statistics logits)', async () => {
    const { weightConvBranch } = await import('../../models/architectures.ts');
    const m = buildArch('tcn-cmn-stats', { frames: 16, nMfcc: 6, nClasses: 3, seed: 4 });
    const x = tf.randomNormal([4, 16, 6], 0, 1, 'float32', 3) as tf.Tensor3D;
    // log-probabilities differ from logits by a constant per row, which the softmax drops
    const heads = (trainingView(m).model.predict(x) as tf.Tensor).arraySync() as number[][];
    const before = (m.predict(x) as tf.Tensor).arraySync() as number[][];
    weightConvBranch(m, 0.2);
    const after = (m.predict(x) as tf.Tensor).arraySync() as number[][];
    heads.forEach((h, i) => {
      const z = [0, 1, 2].map((j) => 0.2 * Math.log(h[j]) + Math.log(h[3 + j]));
      const e = z.map((v) => Math.exp(v - Math.max(...z))), s = e.reduce((a, b) => a + b);
      e.forEach((v, j) => expect(after[i][j]).toBeCloseTo(v / s, 5));
    });
    expect(Math.max(...after.flatMap((p, i) => p.map((v, j) => Math.abs(v - before[i][j]))))).toBeGreaterThan(1e-4);
    expect(() => weightConvBranch(m, 1.5)).toThrow(/within 0–1, got 1.5/);
    expect(() => weightConvBranch(buildArch('tcn-cmn', { frames: 16, nMfcc: 6, nClasses: 3, seed: 4 }), 0.5)).toThrow(/no statistics head/);
  });
});
