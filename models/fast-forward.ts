// Inference for the tcn models as a handful of fused tensor ops instead of the layers graph:
// batch-norms folded into the convolution weights and biases (exact in inference), bias + ReLU
// fused into each convolution, no per-layer bookkeeping. model.apply cost ~50 kernel calls and
// more time in layer plumbing than in arithmetic for a single window. Other architectures (and
// any layout this does not recognise) keep model.apply. The folding (foldTcn) is shared with the
// ONNX exporter (onnx/export.ts), so both backends compute from the same numbers.
import * as tf from '@tensorflow/tfjs';

export type Forward = (x: tf.Tensor3D) => tf.Tensor2D;

interface BnParams { scale: Float32Array; shift: Float32Array }

function bnParams(layer: tf.layers.Layer): BnParams {
  const cfg = layer.getConfig() as { epsilon?: number; center?: boolean; scale?: boolean };
  const ws = layer.getWeights().map((w) => w.dataSync() as Float32Array);
  // order: gamma (if scale), beta (if center), moving mean, moving variance
  let i = 0;
  const gamma = cfg.scale === false ? null : ws[i++];
  const beta = cfg.center === false ? null : ws[i++];
  const mean = ws[i++], variance = ws[i++];
  const eps = cfg.epsilon ?? 1e-3;
  const scale = new Float32Array(mean.length), shift = new Float32Array(mean.length);
  for (let c = 0; c < mean.length; c++) {
    scale[c] = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + eps);
    shift[c] = (beta ? beta[c] : 0) - mean[c] * scale[c];
  }
  return { scale, shift };
}

/** Per-coefficient standardisation of the raw features, (x − mean) / std, as trained with. */
export interface InputNorm { readonly mean: readonly number[]; readonly std: readonly number[] }

/** One Conv1D stage with its batch-norm folded in; ReLU follows, then max-pool 2/2 'same' if `pool`. */
export interface FoldedConv {
  /** tfjs kernel layout [k, in, out], row-major. */
  readonly weights: Float32Array;
  readonly shape: readonly [k: number, inChannels: number, outChannels: number];
  readonly bias: Float32Array;
  readonly stride: number;
  readonly pool: boolean;
}

/** A dense layer: weights [in, out] row-major, y = x·W + b. */
export interface FoldedDense { readonly weights: Float32Array; readonly shape: readonly [inputs: number, units: number]; readonly bias: Float32Array }

/**
 * A tcn/tcn_cmn model as plain arrays: optional time-mean subtraction, the per-coefficient input
 * affine x·inScale + inShift (input batch-norm, with the standardisation folded in when given),
 * 'same'-padded conv stages, [mean ‖ max] over time, Dense ReLU, Dense softmax.
 */
export interface FoldedTcn {
  readonly cmn: boolean;
  readonly inScale: Float32Array;
  readonly inShift: Float32Array;
  readonly stages: readonly FoldedConv[];
  readonly hidden: FoldedDense;
  readonly output: FoldedDense;
}

const first = (v: number | number[]): number => (Array.isArray(v) ? v[0] : v);

/**
 * The folded parameters of a tcn/tcn_cmn model, or null when the layout is not the expected one.
 * With `norm`, the result takes raw features: the standardisation is folded into the input
 * batch-norm (both are per-coefficient affine maps), so no pass over the batch is spent on it.
 */
export function foldTcn(model: tf.LayersModel, norm?: InputNorm): FoldedTcn | null {
  const layers = model.layers.filter((l) => !['InputLayer', 'Dropout', 'SpatialDropout1D'].includes(l.getClassName()));
  const names = layers.map((l) => l.getClassName());
  let i = 0;
  const cmn = names[i] === 'TimeMeanNormalization';
  if (cmn) i++;
  if (names[i] !== 'BatchNormalization') return null;
  const inBn = bnParams(layers[i++]);
  if (norm) {
    // BN(((x − m)/s)) = a·(x − m)/s + b. Under time-mean normalisation the mean m cancels
    // (x − m − mean_t(x − m) = x − mean_t(x)), so only the 1/s scale remains.
    for (let c = 0; c < inBn.scale.length; c++) {
      const a = inBn.scale[c] / norm.std[c];
      if (!cmn) inBn.shift[c] -= a * norm.mean[c];
      inBn.scale[c] = a;
    }
  }
  const stages: FoldedConv[] = [];
  while (names[i] === 'Conv1D') {
    const conv = layers[i];
    const cc = conv.getConfig() as { strides: number | number[]; padding: string; useBias: boolean; activation: string; dilationRate?: number | number[] };
    const dil = cc.dilationRate === undefined ? 1 : first(cc.dilationRate);
    if (cc.padding !== 'same' || cc.activation !== 'linear' || dil !== 1 || names[i + 1] !== 'BatchNormalization' || names[i + 2] !== 'Activation') return null;
    if ((layers[i + 2].getConfig() as { activation: string }).activation !== 'relu') return null;
    const [kernel, b0] = conv.getWeights().map((w) => w.dataSync() as Float32Array);
    const [k, cin, out] = conv.getWeights()[0].shape as [number, number, number];
    const bn = bnParams(layers[i + 1]);
    const weights = new Float32Array(kernel.length);
    for (let q = 0; q < kernel.length; q++) weights[q] = kernel[q] * bn.scale[q % out];
    const bias = new Float32Array(out);
    for (let c = 0; c < out; c++) bias[c] = (cc.useBias && b0 ? b0[c] * bn.scale[c] : 0) + bn.shift[c];
    i += 3;
    const pool = names[i] === 'MaxPooling1D';
    if (pool) {
      const pc = layers[i].getConfig() as { poolSize: number | number[]; strides: number | number[]; padding: string };
      if (first(pc.poolSize) !== 2 || first(pc.strides) !== 2 || pc.padding !== 'same') return null;
      i++;
    }
    stages.push({ weights, shape: [k, cin, out], bias, stride: first(cc.strides), pool });
  }
  if (stages.length === 0 || names.slice(i).join(',') !== 'GlobalAveragePooling1D,GlobalMaxPooling1D,Concatenate,Dense,Dense') return null;
  const [d1, d2] = [layers[i + 3], layers[i + 4]];
  if ((d1.getConfig() as { activation: string }).activation !== 'relu' || (d2.getConfig() as { activation: string }).activation !== 'softmax') return null;
  const dense = (l: tf.layers.Layer): FoldedDense => {
    const [w, b] = l.getWeights();
    const [inputs, units] = w.shape as [number, number];
    // copies: the arrays outlive the model (it may be disposed once folded)
    return { weights: Float32Array.from(w.dataSync() as Float32Array), shape: [inputs, units], bias: Float32Array.from(b.dataSync() as Float32Array) };
  };
  return { cmn, inScale: inBn.scale, inShift: inBn.shift, stages, hidden: dense(d1), output: dense(d2) };
}

/** The fused tfjs forward pass over folded parameters; its tensors are freed by `dispose`. */
export function foldedForward(p: FoldedTcn): { forward: Forward; dispose: () => void } {
  const owned: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => { owned.push(t); return t; };
  const stages = p.stages.map((s) => ({
    filter: keep(tf.tensor4d(s.weights, [1, s.shape[0], s.shape[1], s.shape[2]])),
    bias: keep(tf.tensor1d(s.bias)),
    stride: s.stride,
    pool: s.pool,
  }));
  const w1 = keep(tf.tensor2d(p.hidden.weights, [...p.hidden.shape])), b1 = keep(tf.tensor1d(p.hidden.bias));
  const w2 = keep(tf.tensor2d(p.output.weights, [...p.output.shape])), b2 = keep(tf.tensor1d(p.output.bias));
  const inScale = keep(tf.tensor1d(p.inScale)), inShift = keep(tf.tensor1d(p.inShift));
  const cmn = p.cmn;
  const forward: Forward = (x) => tf.tidy((): tf.Tensor2D => {
    let h: tf.Tensor = cmn ? tf.sub(x, tf.mean(x, 1, true)) : x;
    h = tf.add(tf.mul(h, inScale), inShift);
    const [B, T, C] = h.shape as [number, number, number];
    let h4 = tf.reshape(h, [B, 1, T, C]) as tf.Tensor4D;
    for (const s of stages) {
      h4 = tf.fused.conv2d({ x: h4, filter: s.filter, strides: [1, s.stride], pad: 'same', bias: s.bias, activation: 'relu' });
      if (s.pool) h4 = tf.maxPool(h4, [1, 2], [1, 2], 'same');
    }
    const feat = tf.concat([tf.mean(h4, [1, 2]), tf.max(h4, [1, 2])], 1) as tf.Tensor2D;
    const hid = tf.fused.matMul({ a: feat, b: w1, bias: b1, activation: 'relu' });
    return tf.softmax(tf.fused.matMul({ a: hid, b: w2, bias: b2 })) as tf.Tensor2D;
  });
  return { forward, dispose: () => owned.forEach((t) => t.dispose()) };
}

/**
 * A fused forward pass for a tcn/tcn_cmn model, or null when the layout is not the expected one.
 * With `norm`, the forward takes raw features (see foldTcn).
 */
export function tcnForward(model: tf.LayersModel, norm?: InputNorm): { forward: Forward; dispose: () => void } | null {
  const folded = foldTcn(model, norm);
  return folded ? foldedForward(folded) : null;
}
