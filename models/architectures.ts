// Model definitions. Every model takes one fixedFeatures matrix per example, shaped
// [frames, nMfcc] (T × 60), and ends in a softmax over the labels: the class count comes from the
// data, nothing assumes ten species.
import * as tf from '@tensorflow/tfjs';

// Dropout layers take no seed: a seeded tfjs dropout draws the same mask on every batch. Training
// makes the run reproducible by seeding the random source instead (see train.ts).
export { ARCH_NAMES, isArchName, type ArchName } from './arch-names.ts';
import { CLIP_STATS_EPS, RHYTHM_INPUT, STATS_HEAD, type ArchName } from './arch-names.ts';

/** One temporal conv stage: filters, kernel size, stride, max-pool by 2 after it. */
interface Stage { readonly filters: number; readonly k: number; readonly stride: number; readonly pool: boolean }

/**
 * Stage layouts. 'full' is the first shipped layout (≈1.06 M multiply-adds per window). The two
 * cheaper ones compute the second conv at stride 2 instead of computing every step and max-pooling
 * half away (same receptive field, half its cost); 'slim' also narrows the first conv, whose 60
 * input channels × 5 taps make it the dearest. Batched inference: ~0.12 / 0.09 / 0.07 ms per
 * window on the wasm backend (data/… arch timing, CPU time, batch 64).
 */
const STAGES: Record<'full' | 'lite' | 'slim', readonly Stage[]> = {
  full: [{ filters: 48, k: 5, stride: 2, pool: false }, { filters: 64, k: 3, stride: 1, pool: true }, { filters: 96, k: 3, stride: 1, pool: false }],
  lite: [{ filters: 48, k: 5, stride: 2, pool: false }, { filters: 64, k: 3, stride: 2, pool: false }, { filters: 96, k: 3, stride: 1, pool: false }],
  slim: [{ filters: 32, k: 5, stride: 2, pool: false }, { filters: 64, k: 3, stride: 2, pool: false }, { filters: 96, k: 3, stride: 1, pool: false }],
};

/**
 * Subtracts each coefficient's mean over the window's frames (cepstral mean normalisation). A
 * recorder's frequency response and a tape's steady noise floor add a constant to every frame's
 * cepstrum; taking it away leaves how the sound changes within the window, which is the call.
 */
export class TimeMeanNormalization extends tf.layers.Layer {
  static className = 'TimeMeanNormalization';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.sub(x, tf.mean(x, 1, true));
    });
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return shape;
  }
}
tf.serialization.registerClass(TimeMeanNormalization);

/**
 * Summary statistics of a window over time, per coefficient: mean, standard deviation and mean
 * absolute frame-to-frame change → [batch, 3 × coefficients]. The mean is the spectral envelope
 * that time-mean normalisation takes away from the conv branch; a logistic regression on these
 * alone beat the conv model on unseen tapes (scripts/stats-baseline.ts: 58.5 % over three splits
 * against 46.6 % for nine tcn-cmn runs). Adding max − min per coefficient helped the regression
 * (+2–3 points) but not the model (59.0 % against 59.4 % over six paired runs), so it is not here.
 */
export class ClipStatistics extends tf.layers.Layer {
  static className = 'ClipStatistics';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => timeStatistics(Array.isArray(inputs) ? inputs[0] : inputs, CLIP_STATS_EPS));
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
    return [s[0], 3 * (s[2] as number)];
  }
}
tf.serialization.registerClass(ClipStatistics);

/** Rows start … start + count − 1 of [batch, rows, C] (tfjs has no Cropping1D): splits a rhythm model's input. */
export class RowSlice extends tf.layers.Layer {
  static className = 'RowSlice';
  readonly start: number;
  readonly count: number;
  constructor(args: { start: number; count: number; name?: string }) {
    super(args.name === undefined ? {} : { name: args.name });
    this.start = args.start;
    this.count = args.count;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => (Array.isArray(inputs) ? inputs[0] : inputs).slice([0, this.start, 0], [-1, this.count, -1]));
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
    return [s[0], this.count, s[2]];
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), start: this.start, count: this.count };
  }
}
tf.serialization.registerClass(RowSlice);

/**
 * [mean ‖ sqrt(variance + eps) ‖ mean |step|] over time of x [B, T, C] → [B, 3C]: the layer above,
 * and the fused forward (fast-forward.ts, per-coefficient eps, the time mean it already has).
 */
export function timeStatistics(x: tf.Tensor, eps: number | tf.Tensor, mean: tf.Tensor = tf.mean(x, 1, true)): tf.Tensor2D {
  const T = x.shape[1] as number;
  const std = tf.sqrt(tf.add(tf.mean(tf.square(tf.sub(x, mean)), 1), eps));
  const step = tf.mean(tf.abs(tf.sub(x.slice([0, 1, 0], [-1, T - 1, -1]), x.slice([0, 0, 0], [-1, T - 1, -1]))), 1);
  return tf.concat([tf.squeeze(mean, [1]), std, step], -1) as tf.Tensor2D;
}

/** Whether the model has the statistics head (tcn…-stats). */
const hasStatsHead = (model: tf.LayersModel): boolean => model.layers.some((l) => l.name === STATS_HEAD.logits);

export interface ArchInput {
  readonly frames: number;
  readonly nMfcc: number;
  readonly nClasses: number;
  readonly seed: number;
  /** The features end with the rhythm row (FeatureConfig.rhythm): the input is [frames + 1, nMfcc]. */
  readonly rhythm?: boolean;
}

/**
 * The research's CNN: tanh on the MFCC image, Conv2D 4/16/32/64 (3×3, stride 2, same, tanh) with
 * 2×2 max-pooling after the first three, Dense 64 tanh, Dropout 0.6. On 60×560 it has 46,392
 * parameters with 32 classes; on our T×60 input it is smaller (the flatten is 1×1×64).
 */
export function seedCnn({ frames, nMfcc, nClasses, seed }: ArchInput): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  const m = tf.sequential({ name: 'seed_cnn' });
  m.add(tf.layers.reshape({ inputShape: [frames, nMfcc], targetShape: [frames, nMfcc, 1] }));
  m.add(tf.layers.activation({ activation: 'tanh' }));
  [4, 16, 32, 64].forEach((filters, i) => {
    m.add(tf.layers.conv2d({ filters, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: init(i) }));
    if (i < 3) m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
  });
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 64, activation: 'tanh', kernelInitializer: init(10) }));
  m.add(tf.layers.dropout({ rate: 0.6 }));
  m.add(tf.layers.dense({ units: nClasses, activation: 'softmax', kernelInitializer: init(11) }));
  return m;
}

/** The research's dense baseline on time-averaged MFCCs: 60 → tanh → 3×128 ReLU, dropout 0.4. */
export function denseBaseline({ frames, nMfcc, nClasses, seed }: ArchInput): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  const m = tf.sequential({ name: 'dense_baseline' });
  m.add(tf.layers.globalAveragePooling1d({ inputShape: [frames, nMfcc] }));
  m.add(tf.layers.activation({ activation: 'tanh' }));
  for (let i = 0; i < 3; i++) {
    m.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(i) }));
    m.add(tf.layers.dropout({ rate: 0.4 }));
  }
  m.add(tf.layers.dense({ units: nClasses, activation: 'softmax', kernelInitializer: init(9) }));
  return m;
}

/**
 * Our model: a small temporal CNN. MFCC coefficients are not a spatial axis (neighbouring cepstral
 * indices are not neighbouring frequencies), so the 60 coefficients are channels and convolution
 * runs over time only — 1-D convs see sweeps (upcalls), click trains and whistle contours at a
 * fraction of the 2-D cost. Input batch-norm standardises each coefficient (c0 carries the gain),
 * global average + max pooling makes it indifferent to where in the window the call sits.
 */
export function tcn({ frames, nMfcc, nClasses, seed, rhythm = false }: ArchInput, cmn = false, layout: keyof typeof STAGES = 'full', stats = false): tf.LayersModel {
  const init = (k: number) => tf.initializers.heNormal({ seed: seed + k });
  if (rhythm && !stats) throw new Error('the rhythm row needs the statistics head (tcn-cmn-stats): only it reads that row');
  const input = tf.input({ shape: [frames + (rhythm ? 1 : 0), nMfcc] });
  // With the rhythm row: the frames go to the conv branch and the statistics, the row joins the statistics.
  const frameRows = rhythm ? (new RowSlice({ start: 0, count: frames, name: RHYTHM_INPUT.frames }).apply(input) as tf.SymbolicTensor) : input;
  const first = cmn ? (new TimeMeanNormalization({}).apply(frameRows) as tf.SymbolicTensor) : frameRows;
  let x = tf.layers.batchNormalization({ axis: -1 }).apply(first) as tf.SymbolicTensor;
  const block = (t: tf.SymbolicTensor, filters: number, k: number, i: number, stride: number, pool: boolean): tf.SymbolicTensor => {
    let y = tf.layers.conv1d({ filters, kernelSize: k, strides: stride, padding: 'same', useBias: false, kernelInitializer: init(i) }).apply(t) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization({ axis: -1 }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
    return pool ? (tf.layers.maxPooling1d({ poolSize: 2, padding: 'same' }).apply(y) as tf.SymbolicTensor) : y;
  };
  x = tf.layers.spatialDropout1d({ rate: 0.1 }).apply(x) as tf.SymbolicTensor;
  STAGES[layout].forEach((s, i) => { x = block(x, s.filters, s.k, i + 1, s.stride, s.pool); });
  const avg = tf.layers.globalAveragePooling1d().apply(x) as tf.SymbolicTensor;
  const max = tf.layers.globalMaxPooling1d().apply(x) as tf.SymbolicTensor;
  let h = tf.layers.concatenate().apply([avg, max]) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: 0.4 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(6) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: 0.3 }).apply(h) as tf.SymbolicTensor;
  const name = (cmn ? 'tcn_cmn' : 'tcn') + (layout === 'full' ? '' : `_${layout}`) + (stats ? '_stats' : '');
  if (!stats) {
    const out = tf.layers.dense({ units: nClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 8 }) }).apply(h) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out, name });
  }
  // A linear head on the window's statistics, its logits added to the conv branch's. Layer names
  // matter: fold.ts finds the statistics head by them.
  const convLogits = tf.layers.dense({ units: nClasses, name: STATS_HEAD.conv, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 8 }) }).apply(h) as tf.SymbolicTensor;
  let s = new ClipStatistics({ name: STATS_HEAD.stats }).apply(frameRows) as tf.SymbolicTensor;
  if (rhythm) {
    const row = new RowSlice({ start: frames, count: 1, name: RHYTHM_INPUT.row }).apply(input) as tf.SymbolicTensor;
    const flat = tf.layers.flatten({ name: RHYTHM_INPUT.flat }).apply(row) as tf.SymbolicTensor;
    s = tf.layers.concatenate({ name: RHYTHM_INPUT.join }).apply([s, flat]) as tf.SymbolicTensor;
  }
  s = tf.layers.batchNormalization({ axis: -1, name: STATS_HEAD.bn }).apply(s) as tf.SymbolicTensor;
  s = tf.layers.dropout({ rate: 0.2, name: STATS_HEAD.dropout }).apply(s) as tf.SymbolicTensor;
  const statsLogits = tf.layers.dense({ units: nClasses, name: STATS_HEAD.logits, kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }), kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 9 }) }).apply(s) as tf.SymbolicTensor;
  const logits = tf.layers.add({ name: STATS_HEAD.sum }).apply([convLogits, statsLogits]) as tf.SymbolicTensor;
  const out = tf.layers.activation({ activation: 'softmax', name: STATS_HEAD.probs }).apply(logits) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name });
}

/**
 * What training fits. For a model with a statistics head: a two-output view over the same layers,
 * [softmax(conv logits) ‖ softmax(statistics logits)], fitted against the targets tiled twice, so
 * that each branch learns from its own cross-entropy and neither leans on the other (inference adds
 * their logits: the product of the two distributions). Over six paired runs separate losses scored
 * 57.1 % / 0.571 on unseen tapes, training through the summed logits 56.3 % / 0.552 (model card).
 * With headLoss 'joint', and for any other model, the model trains as itself.
 */
export function trainingView(model: tf.LayersModel, headLoss: 'separate' | 'joint' = 'separate'): { readonly model: tf.LayersModel; readonly heads: number } {
  if (headLoss === 'joint' || !hasStatsHead(model)) return { model, heads: 1 };
  const probs = (name: string) => tf.layers.activation({ activation: 'softmax', name: `${name}_probs` }).apply(model.getLayer(name).output as tf.SymbolicTensor) as tf.SymbolicTensor;
  const out = tf.layers.concatenate({ name: 'head_probs' }).apply([probs(STATS_HEAD.conv), probs(STATS_HEAD.logits)]) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: model.inputs, outputs: out, name: `${model.name}_training` }), heads: 2 };
}

/**
 * Divides the model's logits by `temperature`, in place, by scaling the weights and biases of the
 * layers that produce them: the two heads of a statistics model, otherwise the final softmax Dense.
 * Exact (softmax(z/T) out), and the folded and ONNX paths pick it up with the weights.
 */
export function scaleLogits(model: tf.LayersModel, temperature: number): void {
  const names = hasStatsHead(model) ? [STATS_HEAD.conv, STATS_HEAD.logits] : [model.layers[model.layers.length - 1].name];
  for (const name of names) {
    const layer = model.getLayer(name);
    if (layer.getClassName() !== 'Dense') throw new Error(`scaleLogits: ${name} is a ${layer.getClassName()}, not the Dense layer that makes the logits`);
    rescaleWeights(layer, (w) => tf.div(w, temperature));
  }
}

/** Replaces each of a layer's weights (kernel and bias) by `f` of it, in place. */
function rescaleWeights(layer: tf.layers.Layer, f: (w: tf.Tensor) => tf.Tensor): void {
  const scaled = layer.getWeights().map(f);
  layer.setWeights(scaled);
  scaled.forEach((w) => w.dispose());
}

/**
 * Multiplies the conv branch's logits by `weight`, in place (its Dense layer's weights and bias):
 * inference then adds weight × conv logits to the statistics head's. Exact, and the folded and ONNX
 * paths pick it up with the weights. For a conv branch that is weaker than the head on new tapes.
 */
export function weightConvBranch(model: tf.LayersModel, weight: number): void {
  if (!hasStatsHead(model)) throw new Error(`weightConvBranch: model ${model.name} has no statistics head to weigh the conv branch against`);
  if (!(weight >= 0 && weight <= 1)) throw new Error(`conv branch weight must be within 0–1, got ${weight}`);
  rescaleWeights(model.getLayer(STATS_HEAD.conv), (w) => tf.mul(w, weight));
}

export function buildArch(name: ArchName, input: ArchInput): tf.LayersModel {
  if (input.rhythm && name !== 'tcn-cmn-stats') throw new Error(`architecture ${name} cannot read the rhythm row: use tcn-cmn-stats`);
  switch (name) {
    case 'seed-cnn': return seedCnn(input);
    case 'dense-baseline': return denseBaseline(input);
    case 'tcn': return tcn(input);
    case 'tcn-cmn': return tcn(input, true);
    case 'tcn-cmn-lite': return tcn(input, true, 'lite');
    case 'tcn-cmn-slim': return tcn(input, true, 'slim');
    case 'tcn-cmn-stats': return tcn(input, true, 'full', true);
  }
}

