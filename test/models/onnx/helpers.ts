// Shared by the ONNX tests: random models whose folding matters, MFCC-like inputs, the ORT
// availability (tests that need it are skipped, naming why, where it is absent).
import * as tf from '@tensorflow/tfjs';
import { buildArch, type ArchName } from '../../../models/architectures.ts';
import { gaussian, seededRandom, uniform } from '../../../models/random.ts';
import { loadOrt } from '../../../models/onnx/runtime.ts';
import { featureLength } from '../../../streams/dsp/adaptive.ts';
import { rhythmRow } from '../../../streams/dsp/rhythm.ts';
import type { FeatureConfig } from '../../../streams/types.ts';

export const TCN_ARCHS: readonly ArchName[] = ['tcn', 'tcn-cmn', 'tcn-cmn-lite', 'tcn-cmn-slim', 'tcn-cmn-stats'];

export const ort = loadOrt();
/** For describe.skipIf titles: empty where onnxruntime-node loaded, else why it did not. */
export const ortSkipNote = ort.runtime ? '' : ` (skipped: ${ort.reason})`;
if (!ort.runtime) console.warn(`SKIP: onnxruntime tests — ${ort.reason}`);

/**
 * A tcn of `arch` whose batch-norms hold random statistics and affine terms and whose dense
 * biases are non-zero: a fresh model's are 1/0/0/1 and zeros, which would hide folding mistakes.
 */
export function randomTcn(arch: ArchName, frames: number, nMfcc: number, nClasses: number, seed: number, rhythm = false): tf.LayersModel {
  const model = buildArch(arch, { frames, nMfcc, nClasses, seed, rhythm });
  const r = seededRandom(seed * 7919 + 1);
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    const names = layer.weights.map((w) => w.originalName);
    layer.setWeights(ws.map((w, i) => {
      const n = names[i];
      const fill = (f: () => number): tf.Tensor => tf.tensor(Float32Array.from({ length: w.size }, f), w.shape);
      if (n.endsWith('moving_variance')) return fill(() => uniform(r, 0.3, 2));
      if (n.endsWith('gamma')) return fill(() => uniform(r, 0.5, 1.5));
      if (n.endsWith('beta') || n.endsWith('moving_mean') || n.endsWith('bias')) return fill(() => 0.3 * gaussian(r));
      return w; // kernels keep their seeded initialisation
    }));
  }
  return model;
}

/** Raw MFCC-like features: c0 large and negative, the rest spread around a per-coefficient mean. */
export function mfccLike(count: number, frames: number, nMfcc: number, seed: number): Float32Array[] {
  const r = seededRandom(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: frames * nMfcc }, (_, i) => {
    const c = i % nMfcc;
    return (c === 0 ? -300 : 10 - c) + (c === 0 ? 40 : 15) * gaussian(r);
  }));
}

/**
 * Features spread like a model's training features (its own per-coefficient mean and std): for
 * comparing backends on a shipped model, whose statistics head generic MFCC-like values drive far
 * out into a saturated softmax, where any two backends agree.
 */
export function normLike(norm: { readonly mean: readonly number[]; readonly std: readonly number[] }, count: number, frames: number, seed: number): Float32Array[] {
  const r = seededRandom(seed);
  const n = norm.mean.length;
  return Array.from({ length: count }, () => Float32Array.from({ length: frames * n }, (_, i) => norm.mean[i % n] + norm.std[i % n] * gaussian(r)));
}

/**
 * normLike frames, followed by a rhythm row when the config has one (computed by streams/dsp/rhythm.ts
 * from random mel power frames, so its values are shaped like real ones): inputs of the model's own
 * feature length.
 */
export function featuresLike(norm: { readonly mean: readonly number[]; readonly std: readonly number[] }, cfg: FeatureConfig, count: number, seed: number): Float32Array[] {
  const frames = normLike(norm, count, cfg.frames, seed);
  if (cfg.rhythm !== true) return frames;
  const r = seededRandom(seed + 1);
  return frames.map((f) => {
    const x = new Float32Array(featureLength(cfg));
    x.set(f);
    const mel = Float32Array.from({ length: 125 * cfg.nMels }, () => 1e-3 * Math.exp(2 * gaussian(r)));
    rhythmRow({ data: mel, count: 125, nMels: cfg.nMels, hop: cfg.hop }, cfg, x.subarray(f.length));
    return x;
  });
}

export function flat(xs: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(xs.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of xs) { out.set(x, o); o += x.length; }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
