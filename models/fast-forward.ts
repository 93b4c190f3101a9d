// Inference for the tcn models as a handful of fused tensor ops instead of the layers graph:
// batch-norms folded into the convolution weights and biases (exact in inference), bias + ReLU
// fused into each convolution, no per-layer bookkeeping. model.apply cost ~50 kernel calls and
// more time in layer plumbing than in arithmetic for a single window. Other architectures (and
// any layout this does not recognise) keep model.apply.
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

interface ConvStage { filter: tf.Tensor4D; bias: tf.Tensor1D; stride: number; pool: boolean }

/** Per-coefficient standardisation of the raw features, (x − mean) / std, as trained with. */
export interface InputNorm { readonly mean: readonly number[]; readonly std: readonly number[] }

/**
 * A fused forward pass for a tcn/tcn_cmn model, or null when the layout is not the expected one.
 * With `norm`, the forward takes raw features: the standardisation is folded into the input
 * batch-norm (both are per-coefficient affine maps), so no pass over the batch is spent on it.
 */
export function tcnForward(model: tf.LayersModel, norm?: InputNorm): { forward: Forward; dispose: () => void } | null {
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
  const stages: ConvStage[] = [];
  const owned: tf.Tensor[] = [];
  while (names[i] === 'Conv1D') {
    const conv = layers[i] as tf.layers.Layer;
    const cc = conv.getConfig() as { strides: number | number[]; padding: string; useBias: boolean; activation: string; dilationRate?: number | number[] };
    const dil = Array.isArray(cc.dilationRate) ? cc.dilationRate[0] : cc.dilationRate ?? 1;
    if (cc.padding !== 'same' || cc.activation !== 'linear' || dil !== 1 || names[i + 1] !== 'BatchNormalization' || names[i + 2] !== 'Activation') return null;
    if ((layers[i + 2].getConfig() as { activation: string }).activation !== 'relu') return null;
    const [kernel, b0] = conv.getWeights().map((w) => w.dataSync() as Float32Array);
    const shape = conv.getWeights()[0].shape as [number, number, number]; // [k, in, out]
    const bn = bnParams(layers[i + 1]);
    const out = shape[2];
    const w = new Float32Array(kernel.length);
    for (let q = 0; q < kernel.length; q++) w[q] = kernel[q] * bn.scale[q % out];
    const bias = new Float32Array(out);
    for (let c = 0; c < out; c++) bias[c] = (cc.useBias && b0 ? b0[c] * bn.scale[c] : 0) + bn.shift[c];
    i += 3;
    const pool = names[i] === 'MaxPooling1D';
    if (pool) {
      const pc = layers[i].getConfig() as { poolSize: number | number[]; strides: number | number[]; padding: string };
      const ps = Array.isArray(pc.poolSize) ? pc.poolSize[0] : pc.poolSize;
      const st = Array.isArray(pc.strides) ? pc.strides[0] : pc.strides;
      if (ps !== 2 || st !== 2 || pc.padding !== 'same') return null;
      i++;
    }
    const stride = Array.isArray(cc.strides) ? cc.strides[0] : cc.strides;
    const filter = tf.tensor4d(w, [1, shape[0], shape[1], shape[2]]);
    const b = tf.tensor1d(bias);
    owned.push(filter, b);
    stages.push({ filter, bias: b, stride, pool });
  }
  if (stages.length === 0 || names.slice(i).join(',') !== 'GlobalAveragePooling1D,GlobalMaxPooling1D,Concatenate,Dense,Dense') {
    owned.forEach((t) => t.dispose());
    return null;
  }
  const [d1, d2] = [layers[i + 3], layers[i + 4]];
  if ((d1.getConfig() as { activation: string }).activation !== 'relu' || (d2.getConfig() as { activation: string }).activation !== 'softmax') {
    owned.forEach((t) => t.dispose());
    return null;
  }
  const [w1, b1] = d1.getWeights().map((w) => w.clone());
  const [w2, b2] = d2.getWeights().map((w) => w.clone());
  const inScale = tf.tensor1d(inBn.scale), inShift = tf.tensor1d(inBn.shift);
  owned.push(w1, b1, w2, b2, inScale, inShift);
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
    const hid = tf.fused.matMul({ a: feat, b: w1 as tf.Tensor2D, bias: b1, activation: 'relu' });
    return tf.softmax(tf.fused.matMul({ a: hid, b: w2 as tf.Tensor2D, bias: b2 })) as tf.Tensor2D;
  });
  return { forward, dispose: () => owned.forEach((t) => t.dispose()) };
}
