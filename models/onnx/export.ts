// The folded tcn (fast-forward.ts foldTcn) as an ONNX graph: the same arithmetic as the fused
// tfjs forward, op for op, so either backend gives the same probabilities. Input "x" is raw
// features [N, T, C] (standardisation folded in) — [N, T + 1, C] for a model with the rhythm row —
// output "probs" [N, classes].
import type { FoldedTcn } from '../fast-forward.ts';
import { inputRows } from '../fold.ts';
import { encodeModel, type OnnxGraph, type OnnxInitializer, type OnnxNode } from './model-proto.ts';

export const INPUT_NAME = 'x';
export const OUTPUT_NAME = 'probs';

/**
 * TF 'same' padding of a length-`length` axis for a window k, stride s: output ceil(length/s),
 * total pad max((out − 1)·s + k − length, 0), the odd one after. Written out as explicit pads
 * (auto_pad SAME_UPPER should agree, but then the graph would rest on each runtime's reading of it).
 */
export function samePads(length: number, k: number, s: number): { out: number; before: number; after: number } {
  const out = Math.ceil(length / s);
  const total = Math.max((out - 1) * s + k - length, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

/** tfjs conv1d kernel [k, in, out] → ONNX Conv weights [out, in, k]. */
function convWeights(w: Float32Array, [k, cin, cout]: readonly [number, number, number]): Float32Array {
  const out = new Float32Array(w.length);
  for (let j = 0; j < k; j++) {
    for (let c = 0; c < cin; c++) {
      for (let o = 0; o < cout; o++) out[(o * cin + c) * k + j] = w[(j * cin + c) * cout + o];
    }
  }
  return out;
}

/** The graph for windows of `frames` frames (T is fixed: the feature config fixes it). */
export function tcnGraph(p: FoldedTcn, frames: number, name = 'hydromon_tcn'): OnnxGraph {
  const C = p.inScale.length;
  const nodes: OnnxNode[] = [];
  const inits: OnnxInitializer[] = [];
  const init = (n: string, dims: number[], data: Float32Array | BigInt64Array): string => { inits.push({ name: n, dims, data }); return n; };
  const node = (op: string, inputs: string[], output: string, attrs?: OnnxNode['attrs']): string => {
    nodes.push({ op, inputs, outputs: [output], ...(attrs ? { attrs } : {}) });
    return output;
  };
  const rhythm = p.stats?.rhythm ?? null;
  // A rhythm model's input: the T frames, then the rhythm row (rows T … T+1 along axis 1).
  const rows = (from: number, to: number, out: string): string => node('Slice', [INPUT_NAME, init(`${out}_starts`, [1], BigInt64Array.of(BigInt(from))), init(`${out}_ends`, [1], BigInt64Array.of(BigInt(to))), init(`${out}_axes`, [1], BigInt64Array.of(1n))], out);
  const frameRows = rhythm ? rows(0, frames, 'x_frames') : INPUT_NAME;
  // Channels first for Conv: [N, T, C] → [N, C, T]; per-coefficient constants are [1, C, 1].
  const x = node('Transpose', [frameRows], 'x_nct', { perm: { ints: [0, 2, 1] } });
  const needMean = p.cmn || p.stats !== null;
  const mean = needMean ? node('ReduceMean', [x], 'time_mean', { axes: { ints: [2] }, keepdims: { int: 1 } }) : '';
  const centred = needMean ? node('Sub', [x, mean], 'x_cmn') : '';
  let h = p.cmn ? centred : x;
  h = node('Mul', [h, init('in_scale', [1, C, 1], p.inScale)], 'x_scaled');
  h = node('Add', [h, init('in_shift', [1, C, 1], p.inShift)], 'x_in');
  let T = frames;
  p.stages.forEach((s, i) => {
    const [k, cin, cout] = s.shape;
    const conv = samePads(T, k, s.stride);
    const w = init(`conv${i}_w`, [cout, cin, k], convWeights(s.weights, s.shape));
    const b = init(`conv${i}_b`, [cout], s.bias);
    h = node('Conv', [h, w, b], `conv${i}`, {
      kernel_shape: { ints: [k] }, strides: { ints: [s.stride] }, pads: { ints: [conv.before, conv.after] }, dilations: { ints: [1] }, group: { int: 1 },
    });
    h = node('Relu', [h], `relu${i}`);
    T = conv.out;
    if (s.pool) {
      const pool = samePads(T, 2, 2);
      h = node('MaxPool', [h], `pool${i}`, { kernel_shape: { ints: [2] }, strides: { ints: [2] }, pads: { ints: [pool.before, pool.after] } });
      T = pool.out;
    }
  });
  const avg = node('ReduceMean', [h], 'time_avg', { axes: { ints: [2] }, keepdims: { int: 0 } });
  const max = node('ReduceMax', [h], 'time_max', { axes: { ints: [2] }, keepdims: { int: 0 } });
  h = node('Concat', [avg, max], 'pooled', { axis: { int: 1 } });
  h = node('Gemm', [h, init('dense1_w', [...p.hidden.shape], p.hidden.weights), init('dense1_b', [p.hidden.shape[1]], p.hidden.bias)], 'dense1');
  h = node('Relu', [h], 'hidden');
  h = node('Gemm', [h, init('dense2_w', [...p.output.shape], p.output.weights), init('dense2_b', [p.output.shape[1]], p.output.bias)], 'conv_logits');
  if (p.stats) {
    // [mean ‖ sqrt(var + eps) ‖ mean |step|] over time; the step as a depthwise [−1, 1] conv.
    const sq = node('Mul', [centred, centred], 'sq');
    const variance = node('ReduceMean', [sq], 'time_var', { axes: { ints: [2] }, keepdims: { int: 0 } });
    const std = node('Sqrt', [node('Add', [variance, init('stats_eps', [1, C], p.stats.eps)], 'var_eps')], 'time_std');
    const kernel = new Float32Array(2 * C);
    for (let c = 0; c < C; c++) { kernel[2 * c] = -1; kernel[2 * c + 1] = 1; }
    const diff = node('Conv', [x, init('step_w', [C, 1, 2], kernel)], 'step', {
      kernel_shape: { ints: [2] }, strides: { ints: [1] }, pads: { ints: [0, 0] }, dilations: { ints: [1] }, group: { int: C },
    });
    const step = node('ReduceMean', [node('Abs', [diff], 'step_abs')], 'time_step', { axes: { ints: [2] }, keepdims: { int: 0 } });
    const f = node('Concat', [node('Flatten', [mean], 'mean_nc', { axis: { int: 1 } }), std, step], 'stats', { axis: { int: 1 } });
    const d = p.stats.dense;
    const sl = node('Gemm', [f, init('stats_w', [...d.shape], d.weights), init('stats_b', [d.shape[1]], d.bias)], 'stats_logits');
    h = node('Add', [h, sl], 'logits');
    if (rhythm) {
      const row = node('Flatten', [rows(frames, frames + 1, 'x_rhythm')], 'rhythm_nc', { axis: { int: 1 } });
      const rl = node('Gemm', [row, init('rhythm_w', [...rhythm.shape], rhythm.weights), init('rhythm_b', [rhythm.shape[1]], rhythm.bias)], 'rhythm_logits');
      h = node('Add', [h, rl], 'logits_rhythm');
    }
  }
  node('Softmax', [h], OUTPUT_NAME, { axis: { int: 1 } });
  return {
    name,
    nodes,
    initializers: inits,
    input: { name: INPUT_NAME, dims: ['N', inputRows(p, frames), C] },
    output: { name: OUTPUT_NAME, dims: ['N', p.output.shape[1]] },
  };
}

/** The serialized ONNX model of a folded tcn, for windows of `frames` frames. */
export function exportTcnOnnx(p: FoldedTcn, frames: number, name?: string): Uint8Array {
  return encodeModel(tcnGraph(p, frames, name));
}
