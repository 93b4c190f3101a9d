// The tcn models as plain arrays: batch-norms folded into the convolution weights and biases
// (exact in inference), the input standardisation folded into the first batch-norm. Works on a
// neutral view of the layers (LayerView), so it runs on a tfjs model (fast-forward.ts layerViews)
// and on a saved folder read without tfjs (model-folder.ts readSavedLayers): the onnxruntime path then never loads
// tfjs, whose ~43 MB of live heap every full garbage collection had to mark during a replay.
// No tfjs import here, on purpose (test/models/fold.test.ts checks the import graph).

import { CLIP_STATS_EPS, RHYTHM_INPUT, STATS_HEAD } from './arch-names.ts';

/** One layer: its class, its config (camelCase keys, as tfjs getConfig gives them), its weights in layer order. */
export interface LayerView {
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly weights: readonly { readonly data: Float32Array; readonly shape: readonly number[] }[];
}

interface BnParams { scale: Float32Array; shift: Float32Array }

function bnParams(layer: LayerView): BnParams {
  const cfg = layer.config as { epsilon?: number; center?: boolean; scale?: boolean };
  const ws = layer.weights.map((w) => w.data);
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
 * The statistics head of the tcn…_stats models on raw features: per coefficient the mean over
 * time, sqrt(variance + eps[c]) and the mean absolute frame-to-frame step, concatenated
 * [mean ‖ std ‖ step] (3 × C), times `dense` — logits added to the conv branch's before the
 * softmax. The standardisation and the head's batch-norm are folded into `dense`; eps is per
 * coefficient because the model's epsilon was added in standardised units. With `rhythm`, the
 * input has one more row after the T frames (streams/dsp/rhythm.ts), not standardised:
 * row·rhythm.weights is added as well (its share of the bias is in dense's).
 */
export interface FoldedStats { readonly eps: Float32Array; readonly dense: FoldedDense; readonly rhythm: FoldedDense | null }

/**
 * A tcn/tcn_cmn model as plain arrays: optional time-mean subtraction, the per-coefficient input
 * affine x·inScale + inShift (input batch-norm, with the standardisation folded in when given),
 * 'same'-padded conv stages, [mean ‖ max] over time, Dense ReLU, Dense → logits (+ the statistics
 * head's, when there is one) → softmax.
 */
export interface FoldedTcn {
  readonly cmn: boolean;
  readonly inScale: Float32Array;
  readonly inShift: Float32Array;
  readonly stages: readonly FoldedConv[];
  readonly hidden: FoldedDense;
  readonly output: FoldedDense;
  readonly stats: FoldedStats | null;
}

/** Rows of a folded model's input: its T frames, and the rhythm row after them when it reads one. */
export function inputRows(p: FoldedTcn, frames: number): number {
  return frames + (p.stats?.rhythm ? 1 : 0);
}

/** The statistics head's layers that fold.ts reads, in foldStats' order; the head reads the model input. */
const STATS_LAYERS: readonly string[] = [STATS_HEAD.stats, STATS_HEAD.bn, STATS_HEAD.logits, STATS_HEAD.sum, STATS_HEAD.probs];
/** A rhythm model's input split and join (architectures.ts), and the classes they must be. */
const RHYTHM_LAYERS: ReadonlyMap<string, string> = new Map([[RHYTHM_INPUT.frames, 'RowSlice'], [RHYTHM_INPUT.row, 'RowSlice'], [RHYTHM_INPUT.flat, 'Flatten'], [RHYTHM_INPUT.join, 'Concatenate']]);

const layerName = (l: LayerView): string => String(l.config.name ?? '');

function dense(l: LayerView): FoldedDense {
  const [w, b] = l.weights;
  const [inputs, units] = w.shape as [number, number];
  // copies: the arrays outlive the model (it may be disposed once folded)
  return { weights: Float32Array.from(w.data), shape: [inputs, units], bias: Float32Array.from(b.data) };
}

/**
 * Folds stats → batch-norm → dense into one dense layer on raw statistics. With x' = (x − m)/s the
 * model saw mean' = (mean − m)/s, std' = sqrt(var + eps·s²)/s and step' = step/s.
 */
function foldStats(byName: ReadonlyMap<string, LayerView>, C: number, rhythm: boolean, norm?: InputNorm): FoldedStats | null {
  const [st, bnL, dl, add, act] = STATS_LAYERS.map((n) => byName.get(n));
  if (!st || !bnL || !dl || !add || !act) return null;
  if (st.className !== 'ClipStatistics' || bnL.className !== 'BatchNormalization' || dl.className !== 'Dense' || add.className !== 'Add' || act.className !== 'Activation') return null;
  if ((dl.config as { activation?: string }).activation !== 'linear' || (act.config as { activation?: string }).activation !== 'softmax') return null;
  const R = rhythm ? C : 0;
  if (dl.weights.length !== 2 || dl.weights[0].shape[0] !== 3 * C + R) return null;
  const bn = bnParams(bnL);
  const d = dense(dl);
  const K = d.shape[1];
  const s = (c: number): number => (norm ? norm.std[c] : 1);
  const eps = new Float32Array(C);
  for (let c = 0; c < C; c++) eps[c] = CLIP_STATS_EPS * s(c) * s(c);
  const weights = new Float32Array(3 * C * K), bias = Float32Array.from(d.bias);
  for (let j = 0; j < 3 * C; j++) {
    const c = j % C;
    const a = 1 / s(c), off = j < C && norm ? -norm.mean[c] / s(c) : 0;
    for (let o = 0; o < K; o++) {
      const w = d.weights[j * K + o];
      weights[j * K + o] = w * bn.scale[j] * a;
      bias[o] += w * (bn.scale[j] * off + bn.shift[j]);
    }
  }
  // the rhythm row enters raw: only the head's batch-norm to fold
  let rw: FoldedDense | null = null;
  if (rhythm) {
    const w = new Float32Array(R * K);
    for (let i = 0; i < R; i++) {
      const j = 3 * C + i;
      for (let o = 0; o < K; o++) {
        w[i * K + o] = d.weights[j * K + o] * bn.scale[j];
        bias[o] += d.weights[j * K + o] * bn.shift[j];
      }
    }
    rw = { weights: w, shape: [R, K], bias: new Float32Array(K) };
  }
  return { eps, dense: { weights, shape: [3 * C, K], bias }, rhythm: rw };
}

const first = (v: number | number[]): number => (Array.isArray(v) ? v[0] : v);

/**
 * The folded parameters of a tcn/tcn_cmn model, or null when the layout is not the expected one.
 * With `norm`, the result takes raw features: the standardisation is folded into the input
 * batch-norm (both are per-coefficient affine maps), so no pass over the batch is spent on it.
 */
export function foldLayers(all: readonly LayerView[], norm?: InputNorm): FoldedTcn | null {
  const kept = all.filter((l) => !['InputLayer', 'Dropout', 'SpatialDropout1D'].includes(l.className));
  const byName = new Map(kept.filter((l) => STATS_LAYERS.includes(layerName(l))).map((l) => [layerName(l), l]));
  const split = kept.filter((l) => RHYTHM_LAYERS.has(layerName(l)));
  const rhythm = split.length > 0;
  if (rhythm && (split.length !== RHYTHM_LAYERS.size || split.some((l) => RHYTHM_LAYERS.get(layerName(l)) !== l.className))) return null;
  if (rhythm) {
    // frames = rows 0 … T−1, the rhythm row = row T: the layout the forward passes assume
    const slice = (n: string) => split.find((l) => layerName(l) === n)!.config as { start?: number; count?: number };
    const f = slice(RHYTHM_INPUT.frames), r = slice(RHYTHM_INPUT.row);
    if (f.start !== 0 || r.count !== 1 || r.start !== f.count) return null;
  }
  const layers = kept.filter((l) => !byName.has(layerName(l)) && !RHYTHM_LAYERS.has(layerName(l)));
  const names = layers.map((l) => l.className);
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
    const cc = conv.config as { strides: number | number[]; padding: string; useBias: boolean; activation: string; dilationRate?: number | number[] };
    const dil = cc.dilationRate === undefined ? 1 : first(cc.dilationRate);
    if (cc.padding !== 'same' || cc.activation !== 'linear' || dil !== 1 || names[i + 1] !== 'BatchNormalization' || names[i + 2] !== 'Activation') return null;
    if ((layers[i + 2].config as { activation?: string }).activation !== 'relu') return null;
    if (conv.weights.length === 0 || conv.weights[0].shape.length !== 3) return null;
    const [kernel, b0] = conv.weights.map((w) => w.data);
    const [k, cin, out] = conv.weights[0].shape as [number, number, number];
    const bn = bnParams(layers[i + 1]);
    const weights = new Float32Array(kernel.length);
    for (let q = 0; q < kernel.length; q++) weights[q] = kernel[q] * bn.scale[q % out];
    const bias = new Float32Array(out);
    for (let c = 0; c < out; c++) bias[c] = (cc.useBias && b0 ? b0[c] * bn.scale[c] : 0) + bn.shift[c];
    i += 3;
    const pool = names[i] === 'MaxPooling1D';
    if (pool) {
      const pc = layers[i].config as { poolSize: number | number[]; strides: number | number[]; padding: string };
      if (first(pc.poolSize) !== 2 || first(pc.strides) !== 2 || pc.padding !== 'same') return null;
      i++;
    }
    stages.push({ weights, shape: [k, cin, out], bias, stride: first(cc.strides), pool });
  }
  if (stages.length === 0 || names.slice(i).join(',') !== 'GlobalAveragePooling1D,GlobalMaxPooling1D,Concatenate,Dense,Dense') return null;
  const [d1, d2] = [layers[i + 3], layers[i + 4]];
  const withStats = byName.size > 0;
  if ((d1.config as { activation?: string }).activation !== 'relu' || (d2.config as { activation?: string }).activation !== (withStats ? 'linear' : 'softmax')) return null;
  if (d1.weights.length !== 2 || d2.weights.length !== 2) return null;
  if (rhythm && !withStats) return null;
  const stats = withStats ? foldStats(byName, inBn.scale.length, rhythm, norm) : null;
  if (withStats && !stats) return null;
  return { cmn, inScale: inBn.scale, inShift: inBn.shift, stages, hidden: dense(d1), output: dense(d2), stats };
}

