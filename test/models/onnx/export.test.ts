// The exported ONNX graph: TF 'same' pads worked out by hand, the graph's layout, and on
// onnxruntime the same probabilities as the tfjs fused forward it was folded from — for random
// models of every tcn variant (odd and even T, so the pads are asymmetric somewhere) and for both
// shipped models, at batch sizes 1, 3 and 64.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchName } from '../../../models/architectures.ts';
import { foldedForward, foldTcn, type FoldedTcn } from '../../../models/fast-forward.ts';
import { loadSaved } from '../../../models/model-io.ts';
import { samePads, tcnGraph } from '../../../models/onnx/export.ts';
import { onnxTcnForward } from '../../../models/onnx/tcn-session.ts';
import { projectRoot } from '../../../models/paths.ts';
import { useWasmBackend } from '../../../models/wasm-backend.ts';
import { featuresLike, flat, maxAbsDiff, mfccLike, ort, ortSkipNote, randomTcn, TCN_ARCHS } from './helpers.ts';
import { featureRows } from '../../../streams/dsp/adaptive.ts';

const N_MFCC = 12, CLASSES = 5;
const NORM = { mean: Array.from({ length: N_MFCC }, (_, c) => (c === 0 ? -290 : 8 - c)), std: Array.from({ length: N_MFCC }, (_, c) => (c === 0 ? 35 : 12 + c)) };
const BATCHES = [1, 3, 64];

beforeAll(useWasmBackend);

describe('samePads (TF "same": out = ceil(T/s), total = max((out−1)·s + k − T, 0), odd one after)', () => {
  it.each([
    [16, 5, 2, 8, 1, 2],
    [15, 5, 2, 8, 2, 2],
    [8, 3, 2, 4, 0, 1],
    [15, 3, 1, 15, 1, 1],
    [15, 2, 2, 8, 0, 1],
    [16, 2, 2, 8, 0, 0],
    [1, 5, 2, 1, 2, 2],
    [7, 1, 3, 3, 0, 0],
  ])('T=%i k=%i s=%i → out %i, pads %i/%i', (T, k, s, out, before, after) => {
    expect(samePads(T, k, s)).toEqual({ out, before, after });
  });
});

describe('tcnGraph', () => {
  const fold = (arch: ArchName, T: number): FoldedTcn => {
    const model = randomTcn(arch, T, N_MFCC, CLASSES, 3);
    const p = foldTcn(model, NORM);
    model.dispose();
    if (!p) throw new Error(`${arch} did not fold`);
    return p;
  };
  const tail = ['ReduceMean', 'ReduceMax', 'Concat', 'Gemm', 'Relu', 'Gemm', 'Softmax'];

  it.each([
    { arch: 'tcn', T: 13, convPads: [[2, 2], [1, 1], [1, 1]], poolPads: [[0, 1]] },
    { arch: 'tcn-cmn', T: 16, convPads: [[1, 2], [1, 1], [1, 1]], poolPads: [[0, 0]] },
    { arch: 'tcn-cmn-lite', T: 15, convPads: [[2, 2], [0, 1], [1, 1]], poolPads: [] },
    { arch: 'tcn-cmn-slim', T: 16, convPads: [[1, 2], [0, 1], [1, 1]], poolPads: [] },
  ] as { arch: ArchName; T: number; convPads: number[][]; poolPads: number[][] }[])('$arch at T=$T: ops in order, explicit pads', async ({ arch, T, convPads, poolPads }) => {
    const g = tcnGraph(fold(arch, T), T);
    const cmn = arch !== 'tcn';
    const stages = arch === 'tcn' || arch === 'tcn-cmn' ? ['Conv', 'Relu', 'Conv', 'Relu', 'MaxPool', 'Conv', 'Relu'] : ['Conv', 'Relu', 'Conv', 'Relu', 'Conv', 'Relu'];
    expect(g.nodes.map((n) => n.op)).toEqual(['Transpose', ...(cmn ? ['ReduceMean', 'Sub'] : []), 'Mul', 'Add', ...stages, ...tail]);
    const padsOf = (op: string): unknown[] => g.nodes.filter((n) => n.op === op).map((n) => n.attrs?.pads);
    expect(padsOf('Conv')).toEqual(convPads.map((ints) => ({ ints })));
    expect(padsOf('MaxPool')).toEqual(poolPads.map((ints) => ({ ints })));
    expect(g.input).toEqual({ name: 'x', dims: ['N', T, N_MFCC] });
    expect(g.output).toEqual({ name: 'probs', dims: ['N', CLASSES] });
    const dims = Object.fromEntries(g.initializers.map((t) => [t.name, t.dims]));
    expect(dims.in_scale).toEqual([1, N_MFCC, 1]);
    expect(dims.conv0_w).toEqual([arch === 'tcn-cmn-slim' ? 32 : 48, N_MFCC, 5]); // [out, in, k]
    expect(dims.dense2_w).toEqual([64, CLASSES]);
  });

  it('tcn-cmn-stats adds the statistics head\'s logits before the softmax', () => {
    const g = tcnGraph(fold('tcn-cmn-stats', 16), 16);
    const ops = g.nodes.map((n) => n.op);
    expect(ops.slice(-2)).toEqual(['Add', 'Softmax']);
    expect(ops.filter((o) => o === 'Gemm')).toHaveLength(3);
    const dims = Object.fromEntries(g.initializers.map((t) => [t.name, t.dims]));
    expect(dims.stats_w).toEqual([3 * N_MFCC, CLASSES]);
    expect(dims.step_w).toEqual([N_MFCC, 1, 2]);
    // eps is added in standardised units: raw units need eps·std² per coefficient
    const eps = g.initializers.find((t) => t.name === 'stats_eps')!.data;
    expect(eps[0]).toBeCloseTo(1e-6 * 35 * 35, 9);
  });

  it('transposes conv weights from tfjs [k, in, out] to ONNX [out, in, k]', () => {
    const p = fold('tcn-cmn-slim', 15);
    const g = tcnGraph(p, 15);
    const w = g.initializers.find((t) => t.name === 'conv1_w')!;
    const [k, cin, cout] = p.stages[1].shape;
    for (const [o, c, j] of [[0, 0, 0], [cout - 1, 0, 1], [5, cin - 1, k - 1], [cout - 1, cin - 1, 2]]) {
      expect(w.data[(o * cin + c) * k + j]).toBe(p.stages[1].weights[(j * cin + c) * cout + o]);
    }
  });
});

describe.skipIf(!ort.runtime)(`the ONNX graph on onnxruntime gives the tfjs fused forward's probabilities${ortSkipNote}`, () => {
  const found: Record<string, number> = {};
  afterAll(() => console.log(`onnx vs tfjs fused forward, max |Δp|: ${Object.entries(found).map(([k, d]) => `${k} ${d.toExponential(1)}`).join(', ')}`));

  /** Max |Δp| between the two backends over batches of 1, 3 and 64 windows (inputs: `make`, default MFCC-like). */
  async function compare(p: FoldedTcn, T: number, nMfcc: number, seed: number, make = (B: number, s: number) => mfccLike(B, T, nMfcc, s)): Promise<number> {
    const tfjs = foldedForward(p);
    const onnx = await onnxTcnForward(ort.runtime!, p, T);
    const rows = T + (p.stats?.rhythm ? 1 : 0);
    let d = 0;
    try {
      for (const B of BATCHES) {
        const x = flat(make(B, seed + B));
        const y = onnx.forward(x);
        const ref = tf.tidy(() => tfjs.forward(tf.tensor3d(x, [B, rows, nMfcc])));
        const yRef = ref.dataSync();
        ref.dispose();
        expect(y.length).toBe(yRef.length);
        d = Math.max(d, maxAbsDiff(y, yRef));
      }
    } finally {
      tfjs.dispose();
      onnx.dispose();
    }
    return d;
  }

  it.each(TCN_ARCHS.flatMap((arch) => [13, 15, 16].map((T) => [arch, T] as const)))('random %s, T=%i', async (arch, T) => {
    const model = randomTcn(arch, T, N_MFCC, CLASSES, T);
    const p = foldTcn(model, NORM)!;
    model.dispose();
    // The comparison only means something if the outputs are not saturated one-hots.
    const x = flat(mfccLike(64, T, N_MFCC, 1));
    const f = foldedForward(p);
    const probs = tf.tidy(() => f.forward(tf.tensor3d(x, [64, T, N_MFCC])).max(1).dataSync());
    f.dispose();
    expect(Math.min(...probs)).toBeLessThan(0.99);
    const d = await compare(p, T, N_MFCC, 10);
    found[`${arch}@${T}`] = d;
    expect(d).toBeLessThanOrEqual(1e-5);
  });

  it.each(['hydromon-tcn', 'hydromon-tcn-16k'])('shipped model %s', async (name) => {
    const s = await loadSaved(join(projectRoot, 'models', name));
    const p = foldTcn(s.model, s.meta.norm);
    s.model.dispose();
    expect(p).not.toBeNull();
    const { frames: T, nMfcc } = s.featureConfig;
    const rows = featureRows(s.featureConfig);
    const make = (B: number, seed: number): Float32Array[] => featuresLike(s.meta.norm, s.featureConfig, B, seed);
    const f = foldedForward(p!);
    const top = tf.tidy(() => f.forward(tf.tensor3d(flat(make(64, 1)), [64, rows, nMfcc])).max(1).dataSync());
    f.dispose();
    expect(Math.min(...top)).toBeLessThan(0.99);
    const d = await compare(p!, T, nMfcc, 20, make);
    found[name] = d;
    expect(d).toBeLessThanOrEqual(1e-5);
  });

  it.each([15, 16])('random tcn-cmn-stats with the rhythm row, T=%i: the rows sliced apart, the row read raw', async (T) => {
    const model = randomTcn('tcn-cmn-stats', T, N_MFCC, CLASSES, T, true);
    const p = foldTcn(model, NORM)!;
    model.dispose();
    expect(p.stats?.rhythm?.shape).toEqual([N_MFCC, CLASSES]);
    const g = tcnGraph(p, T);
    expect(g.input.dims).toEqual(['N', T + 1, N_MFCC]);
    expect(g.nodes.filter((n) => n.op === 'Slice')).toHaveLength(2);
    const rows = T + 1;
    // frames MFCC-like, the row like rhythm values (autocorrelations and dB ranges)
    const make = (B: number, s: number): Float32Array[] => mfccLike(B, T, N_MFCC, s).map((f, b) => {
      const x = new Float32Array(rows * N_MFCC);
      x.set(f);
      for (let j = 0; j < N_MFCC; j++) x[T * N_MFCC + j] = j % 3 === 0 ? 10 + ((b * 7 + j) % 20) : Math.sin(b + j);
      return x;
    });
    const tfjs = foldedForward(p);
    const onnx = await onnxTcnForward(ort.runtime!, p, T);
    try {
      let d = 0;
      for (const B of BATCHES) {
        const x = flat(make(B, 30 + B));
        const ref = tf.tidy(() => tfjs.forward(tf.tensor3d(x, [B, rows, N_MFCC])).dataSync());
        const top = Math.max(...ref);
        expect(top).toBeGreaterThan(0);
        d = Math.max(d, maxAbsDiff(onnx.forward(x), ref));
      }
      found[`tcn-cmn-stats+rhythm@${T}`] = d;
      expect(d).toBeLessThanOrEqual(1e-5);
      expect(() => onnx.forward(new Float32Array(T * N_MFCC))).toThrow(new RegExp(`whole windows of ${rows}×${N_MFCC}`));
    } finally {
      tfjs.dispose();
      onnx.dispose();
    }
  });

  it('tells a slightly different model apart (the comparison can fail)', async () => {
    const model = randomTcn('tcn-cmn', 15, N_MFCC, CLASSES, 4);
    const p = foldTcn(model, NORM)!;
    model.dispose();
    const bias = p.stages[2].bias.slice();
    bias[0] += 0.05;
    const off: FoldedTcn = { ...p, stages: p.stages.map((s, i) => (i === 2 ? { ...s, bias } : s)) };
    const tfjs = foldedForward(p);
    const onnx = await onnxTcnForward(ort.runtime!, off, 15);
    const x = flat(mfccLike(8, 15, N_MFCC, 5));
    const ref = tf.tidy(() => tfjs.forward(tf.tensor3d(x, [8, 15, N_MFCC])).dataSync());
    expect(maxAbsDiff(onnx.forward(x), ref)).toBeGreaterThan(1e-4);
    tfjs.dispose();
    onnx.dispose(); // releases the session: it cannot run again
    expect(() => onnx.forward(x)).toThrow(/after dispose/);
  });
});
