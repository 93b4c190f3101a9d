// Inference for the tcn models as a handful of fused tensor ops instead of the layers graph:
// batch-norms folded into the convolution weights and biases (exact in inference), bias + ReLU
// fused into each convolution, no per-layer bookkeeping. model.apply cost ~50 kernel calls and
// more time in layer plumbing than in arithmetic for a single window. Other architectures (and
// any layout this does not recognise) keep model.apply. The folding (foldTcn) is shared with the
// ONNX exporter (onnx/export.ts), so both backends compute from the same numbers.
import * as tf from '@tensorflow/tfjs';
import { timeStatistics } from './architectures.ts';
import { foldLayers, type FoldedTcn, type InputNorm, type LayerView } from './fold.ts';

export type { FoldedConv, FoldedDense, FoldedTcn, InputNorm, LayerView } from './fold.ts';

export type Forward = (x: tf.Tensor3D) => tf.Tensor2D;

/** A tfjs model's layers as fold.ts reads them. */
export function layerViews(model: tf.LayersModel): LayerView[] {
  return model.layers.map((l) => ({
    className: l.getClassName(),
    config: l.getConfig() as Record<string, unknown>,
    weights: l.getWeights().map((w) => ({ data: w.dataSync() as Float32Array, shape: w.shape })),
  }));
}

/** The folded parameters of a tcn/tcn_cmn model, or null when the layout is not the expected one (see fold.ts). */
export function foldTcn(model: tf.LayersModel, norm?: InputNorm): FoldedTcn | null {
  return foldLayers(layerViews(model), norm);
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
  const st = p.stats && {
    eps: keep(tf.tensor1d(p.stats.eps)),
    w: keep(tf.tensor2d(p.stats.dense.weights, [...p.stats.dense.shape])),
    b: keep(tf.tensor1d(p.stats.dense.bias)),
    rw: p.stats.rhythm ? keep(tf.tensor2d(p.stats.rhythm.weights, [...p.stats.rhythm.shape])) : null,
  };
  const forward: Forward = (input) => tf.tidy((): tf.Tensor2D => {
    // a rhythm model's input is the T frames and then the rhythm row
    const rows = input.shape[1];
    const x = st?.rw ? input.slice([0, 0, 0], [-1, rows - 1, -1]) : input;
    const row = st?.rw ? tf.reshape(input.slice([0, rows - 1, 0], [-1, 1, -1]), [input.shape[0], input.shape[2]]) as tf.Tensor2D : null;
    const mean = cmn || st ? tf.mean(x, 1, true) : null;
    let h: tf.Tensor = mean && cmn ? tf.sub(x, mean) : x;
    h = tf.add(tf.mul(h, inScale), inShift);
    const [B, T, C] = h.shape as [number, number, number];
    let h4 = tf.reshape(h, [B, 1, T, C]) as tf.Tensor4D;
    for (const s of stages) {
      h4 = tf.fused.conv2d({ x: h4, filter: s.filter, strides: [1, s.stride], pad: 'same', bias: s.bias, activation: 'relu' });
      if (s.pool) h4 = tf.maxPool(h4, [1, 2], [1, 2], 'same');
    }
    const feat = tf.concat([tf.mean(h4, [1, 2]), tf.max(h4, [1, 2])], 1) as tf.Tensor2D;
    const hid = tf.fused.matMul({ a: feat, b: w1, bias: b1, activation: 'relu' });
    let logits = tf.fused.matMul({ a: hid, b: w2, bias: b2 });
    if (st && mean) logits = tf.add(logits, tf.fused.matMul({ a: timeStatistics(x, st.eps, mean), b: st.w, bias: st.b }));
    if (st?.rw && row) logits = tf.add(logits, tf.matMul(row, st.rw));
    return tf.softmax(logits) as tf.Tensor2D;
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
