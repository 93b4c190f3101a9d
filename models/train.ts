// Training: manifests (+ annotated continuous recordings and background recordings) → a split by
// tape/recording → augmented examples → a model chosen by validation macro-F1 with early stopping
// → a calibrated threshold → a model folder. Reproducible: the split, augmentation, shuffling and
// tfjs's own random draws all come from one seed.
import * as tf from '@tensorflow/tfjs';
import { basename } from 'node:path';
import { featureRows } from '../streams/dsp/adaptive.ts';
import { initDsp } from '../streams/dsp/fft.ts';
import type { FeatureConfig } from '../streams/types.ts';
import { readAnnotatedRecordings, readBackgroundRecordings, type ContinuousRecording } from './annotations.ts';
import { buildArch, scaleLogits, trainingView, weightConvBranch, type ArchName } from './architectures.ts';
import { calibrationError, chooseTemperature, type Calibration } from './calibration.ts';
import { DEFAULT_SYNTHETIC_KINDS, seaNoiseBackground, syntheticBackground, type SyntheticKind } from './synthetic-background.ts';
import { SEA_NOISE_KINDS, withSeaNoise, type SeaNoiseKind } from './sea-noise.ts';
import { readMono } from './audio.ts';
import { normaliseBatch } from './batch.ts';
import { argmaxOf } from './clip-aggregate.ts';
import { BACKGROUND, clipTrainExamples, continuousExamples, defaultDatasetOptions, noiseSourceFrom, type DatasetOptions, type Example } from './dataset.ts';
import { clipExample } from './dataset.ts';
import { defaultFeatureConfig } from './feature-config.ts';
import { readManifests, missingClips, type Clip } from './manifest.ts';
import { classificationMetrics, type Metrics } from './metrics.ts';
import { UNKNOWN } from './classifier.ts';
import { gaussian, seededRandom, shuffleInPlace } from './random.ts';
import { groupSplit, type SplitResult } from './split.ts';
import { useWasmBackend } from './wasm-backend.ts';
import { mixupPlan, mixupTensors } from './mixup.ts';
import { BranchCheckpoints } from './branch-checkpoint.ts';
import { checkDistillOptions, checkTeachers, distilledTargetTensor, loadTeachers, type DistillOptions, type Teacher } from './distill.ts';

export interface AnnotatedSource {
  readonly table: string;
  readonly species: string;
}

/** Synthetic fault-signal background examples per run (about a third of the recordings' background windows). */
export const DEFAULT_SYNTHETIC_BACKGROUND = 240;

export interface TrainOptions {
  readonly manifests: readonly string[];
  readonly annotated?: readonly AnnotatedSource[];
  readonly background?: readonly string[];
  /** File names of continuous recordings kept out of training (validation + streaming check). */
  readonly holdout?: readonly string[];
  readonly arch: ArchName;
  readonly epochs: number;
  readonly seed: number;
  readonly batchSize?: number;
  readonly patience?: number;
  readonly valFraction?: number;
  readonly learningRate?: number;
  /** Label smoothing ε: targets (1 − ε)·one-hot + ε/K, so no clip is learnt with certainty. Default 0. */
  readonly labelSmoothing?: number;
  /** Mixup α: each epoch blends every example with a random partner, λ ~ Beta(α, α) (see mixup.ts). Default 0 = off. */
  readonly mixup?: number;
  /** Size of the random recorder response drawn for every example each epoch: aₖ ~ N(0, (dB / k)²) (channelOffsets). Default 4. */
  readonly recorderResponseDb?: number;
  /** Background examples of synthetic input faults (noise, DC, hum, clipping, near-silence) added to training when it has a background class; default 240, 0 = none (synthetic-background.ts). */
  readonly syntheticBackground?: number;
  /** Which fault signals those are (default DEFAULT_SYNTHETIC_KINDS). */
  readonly syntheticKinds?: readonly SyntheticKind[];
  /** Background examples of synthetic sea noise (ships, rain, snapping shrimp, echo sounders; sea-noise.ts) added like syntheticBackground; default 0. */
  readonly seaNoise?: number;
  /** Which sea noises those background examples are (default: the kinds of the mix under calls, dataset.seaNoiseKinds). */
  readonly seaNoiseKinds?: readonly SeaNoiseKind[];
  /** Fit a temperature on the validation examples and divide the logits by it (default true; calibration.ts). */
  readonly temperatureScaling?: boolean;
  /** Models with a statistics head: each branch on its own cross-entropy (default) or both through the summed logits (architectures.ts trainingView). */
  readonly headLoss?: 'separate' | 'joint';
  /**
   * Statistics-head models with separate losses: which training views the statistics head learns
   * from. 'all' (default) every view; 'whole' the whole-clip views and the continuous recordings'
   * windows, not the clips' synthetic sliding windows (the conv branch still learns from all); a
   * number p ∈ [0, 1] those and a seeded share p of the sliding windows (statsViewMask).
   */
  readonly statsViews?: 'all' | 'whole' | number;
  /**
   * Statistics-head models: inference adds convWeight × the conv branch's logits to the head's
   * (default 1), applied once training has chosen each branch's weights (weightConvBranch).
   */
  readonly convWeight?: number;
  /**
   * Statistics-head models with separate losses: keep each branch at the epoch where its own head
   * scored best (branch-checkpoint.ts), and stop when neither has improved for `patience` epochs.
   * Default true; false keeps one checkpoint for the whole model, chosen by the summed output.
   */
  readonly branchCheckpoints?: boolean;
  /**
   * Seed of the training randomness only — weight init, dropout, shuffling and the per-epoch
   * recorder responses — so models differing only in it share split and augmented examples
   * (members of a seed ensemble). Default: `seed`.
   */
  readonly initSeed?: number;
  readonly cfg?: FeatureConfig;
  readonly dataset?: Partial<DatasetOptions>;
  readonly log?: (msg: string) => void;
  readonly onBatch?: (epoch: number, batch: number, batches: number) => void;
  readonly onEpoch?: (e: EpochLog) => void;
  /**
   * After choosing the epoch count on the tape-disjoint split, train the shipped model again
   * from scratch on every clip (validation tapes too) for that many epochs. The split model's
   * numbers stay the reported estimate; the refit model has seen more recorders, which is what
   * generalisation to new hydrophones needs. Held-out continuous recordings stay held out.
   */
  readonly refitAll?: boolean;
  /**
   * Knowledge distillation (distill.ts): saved split models trained on this same split seed whose
   * mean probabilities, on each epoch's augmented view, make up 1 − distillAlpha of the targets.
   */
  readonly teachers?: readonly string[];
  /** Teachers of the refit (with refitAll and teachers): refits themselves, trained on every clip. */
  readonly refitTeachers?: readonly string[];
  /** Weight of the hard label in distilled targets (default 0.5). */
  readonly distillAlpha?: number;
  /** Temperature softening the teachers' probabilities (default 1). */
  readonly distillTemperature?: number;
}

export interface EpochLog {
  readonly epoch: number;
  readonly loss: number;
  readonly valAccuracy: number;
  readonly valMacroF1: number;
  /** Selection score: mean of tape-disjoint clip macro-F1 and held-out window macro-F1. */
  readonly score: number;
  /** With branch checkpoints: the selection score of each head alone. */
  readonly branchScores?: { readonly conv: number; readonly stats: number };
  readonly seconds: number;
}

export interface ValExample extends Example {
  /** 'clip' (a manifest clip), 'call' / 'background' (a window of a held-out recording). */
  readonly kind: 'clip' | 'call' | 'background';
  readonly sameTape: boolean;
}

export interface TrainResult {
  readonly model: tf.LayersModel;
  readonly labels: string[];
  readonly norm: { mean: number[]; std: number[] };
  readonly threshold: number;
  readonly split: SplitResult;
  readonly heldOut: ContinuousRecording[];
  readonly trainedOn: ContinuousRecording[];
  readonly val: ValExample[];
  /** Top-label probabilities of every validation example (rows in `labels` order), after temperature scaling. */
  readonly valProbs: Float32Array[];
  /** The temperature the logits were divided by (1 = none) and the calibration error on the validation examples before and after. */
  readonly calibration: Calibration;
  readonly history: EpochLog[];
  readonly bestEpoch: number;
  /** With branch checkpoints: the epoch each branch was kept at (bestEpoch is the later one). */
  readonly branchEpochs?: { readonly conv: number; readonly stats: number };
  readonly nTrain: number;
  readonly trainCounts: Record<string, number>;
  readonly skippedVal: number;
  readonly cfg: FeatureConfig;
  /** The model trained on every clip for bestEpoch epochs (with refitAll), and its input norm. */
  readonly refit?: { readonly model: tf.LayersModel; readonly norm: { mean: number[]; std: number[] }; readonly nTrain: number; readonly trainCounts: Record<string, number> };
}

/** Per-coefficient mean and std over the first `frames` rows of each example (the MFCC frames; a rhythm row after them is not standardised). */
export function normStats(xs: readonly Float32Array[], n: number, frames: number): { mean: number[]; std: number[] } {
  const mean = new Float64Array(n), sq = new Float64Array(n);
  let count = 0;
  for (const x of xs) {
    const len = Math.min(x.length, frames * n);
    for (let i = 0; i < len; i++) { mean[i % n] += x[i]; sq[i % n] += x[i] * x[i]; }
    count += len / n;
  }
  const m = [...mean].map((v) => v / Math.max(1, count));
  const s = [...sq].map((v, j) => Math.sqrt(Math.max(1e-8, v / Math.max(1, count) - m[j] * m[j])));
  return { mean: m, std: s };
}

function toTensor(xs: readonly Float32Array[], cfg: FeatureConfig, norm: { mean: number[]; std: number[] }): tf.Tensor3D {
  return tf.tensor3d(normaliseBatch(xs, cfg, norm.mean, norm.std), [xs.length, featureRows(cfg), cfg.nMfcc]);
}

export async function predictProbs(model: tf.LayersModel, xs: readonly Float32Array[], cfg: FeatureConfig, norm: { mean: number[]; std: number[] }, k: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < xs.length; i += 256) {
    const x = toTensor(xs.slice(i, i + 256), cfg, norm);
    const p = model.apply(x, { training: false }) as tf.Tensor;
    const d = (await p.data()) as Float32Array;
    x.dispose(); p.dispose();
    for (let b = 0; b * k < d.length; b++) out.push(d.slice(b * k, (b + 1) * k));
  }
  return out;
}

/** Label per example: top label, or 'unknown' when its probability is below `threshold`. */
export function decide(probs: readonly Float32Array[], labels: readonly string[], threshold: number): string[] {
  return probs.map((p) => { const j = argmaxOf(p); return p[j] >= threshold ? labels[j] : UNKNOWN; });
}

/**
 * The threshold that maximises correct decisions on validation, where 'unknown' counts as right
 * for background windows (no detection is the right answer) and wrong for calls, and a species
 * named on a background window (a false alarm a user would see) costs `falseAlarmCost` decisions.
 */
export function calibrateThreshold(probs: readonly Float32Array[], truth: readonly string[], labels: readonly string[], falseAlarmCost = 2): number {
  let best = 0, bestScore = -Infinity;
  for (let t = 0.2; t <= 0.951; t += 0.025) {
    const pred = decide(probs, labels, t);
    let score = 0;
    pred.forEach((p, i) => {
      if (p === truth[i] || (truth[i] === BACKGROUND && p === UNKNOWN)) score++;
      else if (truth[i] === BACKGROUND && p !== BACKGROUND && p !== UNKNOWN) score -= falseAlarmCost;
    });
    if (score > bestScore + 1e-9) { bestScore = score; best = t; }
  }
  return Math.round(best * 1000) / 1000;
}

/**
 * Random recorder frequency responses, per example: a smooth gain curve over the mel bands,
 * g(m) = Σₖ aₖ·cos(πk(m+½)/M) with aₖ ~ N(0, (db / k)²) (default 4 dB), k = 1…6. A filter multiplies power, so
 * it adds g to every frame's log-mel, and through the orthonormal DCT adds aₖ·√(M/2) to MFCC k
 * alone, the same in every frame. Returned already divided by the normalisation std.
 */
export function channelOffsets(n: number, nMels: number, nMfcc: number, std: readonly number[], r: () => number, db = 4): Float32Array {
  const out = new Float32Array(n * nMfcc);
  const scale = Math.sqrt(nMels / 2);
  for (let i = 0; i < n; i++) {
    for (let k = 1; k <= Math.min(6, nMfcc - 1); k++) out[i * nMfcc + k] = (gaussian(r) * (db / k) * scale) / std[k];
  }
  return out;
}

/** Teachers and how their probabilities enter the targets. */
interface Distiller { readonly teachers: readonly Teacher[]; readonly options: DistillOptions; readonly log: (msg: string) => void }

/** One epoch over all examples in a seeded order, each with a fresh random recorder response. */
async function fitEpoch(model: tf.LayersModel, heads: number, statsMask: tf.Tensor1D | null, xAll: tf.Tensor3D, yAll: tf.Tensor, n: number, cfg: FeatureConfig, norm: { mean: number[]; std: number[] }, r: () => number, bs: number, classWeight: Record<number, number>, smoothing: number, mixup: number, responseDb: number, distill: Distiller | null, onBatch: (batch: number, batches: number) => void): Promise<number> {
  const order = shuffleInPlace([...Array(n).keys()], r);
  const idx = tf.tensor1d(order, 'int32');
  const eq = tf.tensor3d(channelOffsets(n, cfg.nMels, cfg.nMfcc, norm.std, r, responseDb), [n, 1, cfg.nMfcc]);
  const k = yAll.shape[1] ?? 1;
  // the recorder response shifts the MFCC frames only, not the rhythm row after them
  let xs = tf.tidy(() => {
    const x = tf.gather(xAll, idx);
    if (cfg.rhythm !== true) return x.add(eq);
    return tf.concat([x.slice([0, 0, 0], [-1, cfg.frames, -1]).add(eq), x.slice([0, cfg.frames, 0], [-1, 1, -1])], 1);
  });
  let ys = tf.tidy(() => (smoothing > 0 ? tf.gather(yAll, idx).mul(1 - smoothing).add(smoothing / k) : tf.gather(yAll, idx)));
  const mask = statsMask && heads > 1 ? tf.tidy(() => tf.gather(statsMask, idx).expandDims(1)) : null;
  eq.dispose();
  idx.dispose();
  if (mixup > 0) {
    // Partners come from the same shuffled epoch; drawn only when on, so α = 0 leaves the stream as it was.
    const mixed = mixupTensors(xs, ys, mixupPlan(n, mixup, r));
    xs.dispose(); ys.dispose();
    xs = mixed.x as tf.Tensor3D; ys = mixed.y;
  }
  if (distill) {
    // The teachers see the very view the student trains on (recorder response and mixup applied).
    const { targets, agreement } = distilledTargetTensor(xs, ys, norm, distill.teachers, distill.options);
    distill.log(`teachers: top class = training label on ${(100 * agreement).toFixed(1)} % of this epoch's views`);
    ys.dispose();
    ys = targets;
  }
  if (heads > 1) {
    // one copy of the targets per head (architectures.ts trainingView); the class weight follows
    // the first copy's label. The statistics head's copy is zero where it must not learn (a zero
    // target adds no loss); with mixup, a blended view counts as its first partner.
    const tiled = mask ? tf.tidy(() => tf.concat([ys, ys.mul(mask)], 1)) : tf.tile(ys, [1, heads]);
    ys.dispose();
    mask?.dispose();
    ys = tiled;
  }
  const batches = Math.ceil(n / bs);
  const h = await model.fit(xs, ys, {
    epochs: 1, batchSize: bs, shuffle: false, verbose: 0, classWeight,
    callbacks: { onBatchEnd: async (b) => { onBatch(b + 1, batches); } },
  });
  xs.dispose(); ys.dispose();
  return Number(h.history.loss[0]);
}

/**
 * 1 where the statistics head learns from an example, 0 where not: statsViews 'whole' leaves out
 * the clips' sliding windows, a share p ∈ (0, 1) keeps that share of them (a seeded draw over the
 * examples in order), 'all' or undefined = everywhere (null).
 */
export function statsViewMask(examples: readonly Example[], views: 'all' | 'whole' | number | undefined, heads: number): tf.Tensor1D | null {
  if (views === undefined || views === 'all' || views === 1) return null;
  if (heads < 2) throw new Error('statsViews: only a statistics-head model trained with separate losses has a statistics head to restrict');
  const share = views === 'whole' ? 0 : views;
  if (!(share >= 0 && share < 1)) throw new Error(`statsViews: a share of the sliding windows from 0 to 1, not ${views}`);
  const r = seededRandom(0x57a75);
  return tf.tensor1d(examples.map((e) => (e.clipWindow ? (r() < share ? 1 : 0) : 1)), 'float32');
}

async function mapSeq<T, U>(xs: readonly T[], f: (x: T) => Promise<U>): Promise<U[]> {
  const out: U[] = [];
  for (const x of xs) out.push(await f(x));
  return out;
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const log = o.log ?? (() => {});
  const cfg = o.cfg ?? defaultFeatureConfig;
  const dsOpts: DatasetOptions = { ...defaultDatasetOptions(cfg, o.seed), ...o.dataset };
  const distillOptions = checkDistillUse(o);
  await initDsp();
  const clips = readManifests(o.manifests);
  const missing = missingClips(clips);
  if (missing.length > 0) throw new Error(`${missing.length} clip(s) listed in the manifests are missing, e.g. ${missing[0].path}`);
  const split = groupSplit(clips, o.valFraction ?? 0.25, o.seed);
  const continuous = [
    ...(o.annotated ?? []).flatMap((a) => readAnnotatedRecordings(a.table, a.species)),
    ...(o.background ?? []).flatMap((b) => readBackgroundRecordings(b)),
  ];
  const holdout = new Set(o.holdout ?? []);
  const heldOut = continuous.filter((r) => holdout.has(basename(r.path)));
  const trainedOn = continuous.filter((r) => !holdout.has(basename(r.path)));
  for (const h of holdout) if (!continuous.some((r) => basename(r.path) === h)) throw new Error(`--holdout ${h}: no such annotated or background recording`);
  log(`clips: ${split.train.length} train / ${split.val.length} validation; continuous recordings: ${trainedOn.length} train / ${heldOut.length} held out`);

  const noiseRecs = await mapSeq(trainedOn, (r) => readMono(r.path));
  const noise = withSeaNoise(noiseSourceFrom(noiseRecs, cfg.sampleRate), dsOpts.seaNoiseMix ?? 0, cfg.sampleRate, dsOpts.seaNoiseKinds);
  const trainEx: Example[] = [];
  let done = 0;
  for (const c of split.train) {
    trainEx.push(...(await clipTrainExamples(c, dsOpts, noise)));
    if (++done % 50 === 0) log(`features: ${done}/${split.train.length} training clips`);
  }
  for (const r of trainedOn) trainEx.push(...(await continuousExamples(r, dsOpts, true, noise)));
  // Only where the data already has a background class (continuous recordings give one): a
  // manifest of species clips alone keeps its label set.
  const hasBackground = trainEx.some((e) => e.label === BACKGROUND);
  const nSynthetic = hasBackground ? (o.syntheticBackground ?? DEFAULT_SYNTHETIC_BACKGROUND) : 0;
  if (nSynthetic > 0) {
    const kinds = o.syntheticKinds ?? DEFAULT_SYNTHETIC_KINDS;
    trainEx.push(...syntheticBackground(cfg, nSynthetic, o.seed, dsOpts.windowS, kinds));
    log(`synthetic background: ${nSynthetic} fault-signal examples (${kinds.join(', ')})`);
  }
  const nSea = hasBackground ? (o.seaNoise ?? 0) : 0;
  if (nSea > 0) {
    const kinds = o.seaNoiseKinds ?? dsOpts.seaNoiseKinds ?? SEA_NOISE_KINDS;
    trainEx.push(...seaNoiseBackground(cfg, nSea, o.seed, dsOpts.windowS, kinds));
    log(`sea noise: ${nSea} background examples (${kinds.join(', ')})${dsOpts.seaNoiseMix ? `; ${Math.round(dsOpts.seaNoiseMix * 100)} % of noise draws under calls (${(dsOpts.seaNoiseKinds ?? SEA_NOISE_KINDS).join(', ')})` : ''}`);
  }
  const labels = [...new Set(trainEx.map((e) => e.label))].sort((a, b) => (a === BACKGROUND ? 1 : b === BACKGROUND ? -1 : a.localeCompare(b)));
  const sameTape = new Set(split.sameTapeSpecies);
  const valAll: ValExample[] = [];
  for (const c of split.val) valAll.push({ ...(await clipExample(c, cfg)), kind: 'clip', sameTape: sameTape.has(c.species) });
  for (const r of heldOut) {
    for (const e of await continuousExamples(r, dsOpts, false, noise)) valAll.push({ ...e, kind: e.label === BACKGROUND ? 'background' : 'call', sameTape: false });
  }
  const val = valAll.filter((e) => labels.includes(e.label));
  const trainCounts: Record<string, number> = {};
  for (const e of trainEx) trainCounts[e.label] = (trainCounts[e.label] ?? 0) + 1;
  log(`examples: ${trainEx.length} train, ${val.length} validation (${valAll.length - val.length} with labels unseen in training skipped); labels: ${labels.join(', ')}`);

  const norm = normStats(trainEx.map((e) => e.x), cfg.nMfcc, cfg.frames);
  const yIdx = trainEx.map((e) => labels.indexOf(e.label));
  const counts = labels.map((_, j) => yIdx.filter((y) => y === j).length);
  const classWeight: Record<number, number> = {};
  labels.forEach((_, j) => { classWeight[j] = trainEx.length / (labels.length * Math.max(1, counts[j])); });

  await useWasmBackend();
  // Teachers load before Math.random is seeded: loading draws from it, which would shift the student's init.
  const teachers = distillOptions ? await loadTeachers(o.teachers ?? [], { seed: o.seed, refit: false }) : [];
  const refitTeachers = distillOptions && o.refitAll ? await loadTeachers(o.refitTeachers ?? [], { seed: o.seed, refit: true }).catch((err: unknown) => { teachers.forEach((t) => t.dispose()); throw err; }) : [];
  const realRandom = Math.random;
  const initSeed = o.initSeed ?? o.seed;
  Math.random = seededRandom(initSeed ^ 0x9e3779b9); // tfjs draws dropout masks and init from Math.random
  try {
    if (distillOptions) checkTeachers(teachers.concat(refitTeachers), labels, cfg);
    const distill: Distiller | null = distillOptions ? { teachers, options: distillOptions, log } : null;
    const refitDistill: Distiller | null = distillOptions && refitTeachers.length > 0 ? { teachers: refitTeachers, options: distillOptions, log } : null;
    if (distillOptions) log(`distillation: ${teachers.length} teacher(s)${refitTeachers.length > 0 ? ` (${refitTeachers.length} for the refit)` : ''}, hard-label weight ${distillOptions.alpha}, temperature ${distillOptions.temperature}`);
    const model = buildArch(o.arch, { frames: cfg.frames, nMfcc: cfg.nMfcc, nClasses: labels.length, seed: initSeed, rhythm: cfg.rhythm === true });
    const fit = trainingView(model, o.headLoss);
    fit.model.compile({ optimizer: tf.train.adam(o.learningRate ?? 1e-3), loss: 'categoricalCrossentropy' });
    const xAll = toTensor(trainEx.map((e) => e.x), cfg, norm);
    const yAll = tf.oneHot(tf.tensor1d(yIdx, 'int32'), labels.length);
    const statsMask = statsViewMask(trainEx, o.statsViews, fit.heads);
    const r = seededRandom(initSeed ^ 0x1234);
    const bs = o.batchSize ?? 32;
    const responseDb = o.recorderResponseDb ?? 4; // dB/k of the per-epoch recorder response (channelOffsets)
    const history: EpochLog[] = [];
    let best = -1, bestEpoch = 0, bestWeights: tf.Tensor[] | null = null;
    const branches = fit.heads === 2 && o.branchCheckpoints !== false ? new BranchCheckpoints(model) : null;
    const valTruth = val.map((e) => e.label);
    // Model selection weighs the two things validation can tell apart: species on unseen tapes
    // (clips) and calls vs. ocean noise on unseen recordings (windows), equally.
    const disjointClip = val.map(isDisjointClip);
    const isWindow = val.map((e) => e.kind !== 'clip');
    const selection = (probs: readonly Float32Array[]): { m: ReturnType<typeof classificationMetrics>; score: number } => {
      const top = probs.map((p) => labels[argmaxOf(p)]);
      const m = classificationMetrics(valTruth, top, labels);
      const part = (keep: boolean[]): number | null => (keep.some(Boolean) ? classificationMetrics(valTruth.filter((_, i) => keep[i]), top.filter((_, i) => keep[i]), labels).macro_f1 : null);
      const parts = [part(disjointClip), part(isWindow)].filter((x): x is number => x !== null);
      return { m, score: parts.length > 0 ? parts.reduce((a, b) => a + b, 0) / parts.length : m.macro_f1 };
    };
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = Date.now();
      const loss = await fitEpoch(fit.model, fit.heads, statsMask, xAll, yAll, trainEx.length, cfg, norm, r, bs, classWeight, o.labelSmoothing ?? 0, o.mixup ?? 0, responseDb, distill, (b, n) => o.onBatch?.(epoch, b, n));
      const probs = await predictProbs(model, val.map((e) => e.x), cfg, norm, labels.length);
      const { m, score } = selection(probs);
      let branchScores: EpochLog['branchScores'];
      if (branches) {
        const K = labels.length;
        const both = await predictProbs(fit.model, val.map((e) => e.x), cfg, norm, 2 * K);
        branchScores = { conv: selection(both.map((p) => p.subarray(0, K))).score, stats: selection(both.map((p) => p.subarray(K))).score };
      }
      const e: EpochLog = { epoch, loss, valAccuracy: m.accuracy, valMacroF1: m.macro_f1, score, ...(branchScores ? { branchScores } : {}), seconds: (Date.now() - t0) / 1000 };
      history.push(e);
      o.onEpoch?.(e);
      if (branches && branchScores) {
        branches.update(epoch, branchScores);
        bestEpoch = branches.lastBest();
        if (epoch - bestEpoch >= (o.patience ?? 8)) {
          log(`early stop at epoch ${epoch}: neither branch better since epoch ${bestEpoch} (conv branch kept at epoch ${branches.epochOf('conv')}, statistics head at ${branches.epochOf('stats')})`);
          break;
        }
      } else if (score > best) {
        best = score; bestEpoch = epoch;
        bestWeights?.forEach((w) => w.dispose());
        bestWeights = model.getWeights().map((w) => w.clone());
      } else if (epoch - bestEpoch >= (o.patience ?? 8)) {
        log(`early stop at epoch ${epoch}: no better validation score since epoch ${bestEpoch}`);
        break;
      }
    }
    xAll.dispose(); yAll.dispose(); statsMask?.dispose();
    if (bestWeights) { model.setWeights(bestWeights); bestWeights.forEach((w) => w.dispose()); }
    const branchEpochs = branches ? { conv: branches.epochOf('conv'), stats: branches.epochOf('stats') } : undefined;
    branches?.restore();
    if (o.convWeight !== undefined && o.convWeight !== 1) weightConvBranch(model, o.convWeight);
    let valProbs = await predictProbs(model, val.map((e) => e.x), cfg, norm, labels.length);
    // Models trained on few tapes can be overconfident on new ones: one temperature, fitted on every
    // validation example, makes the top probability honest before the threshold is chosen on it,
    // where it does (calibration.ts chooseTemperature).
    const valIdx = valTruth.map((l) => labels.indexOf(l));
    const choice = o.temperatureScaling === false ? null : chooseTemperature(valProbs, valIdx);
    const temperature = choice?.temperature ?? 1;
    const errorBefore = choice?.errorBefore ?? calibrationError(valProbs, valIdx);
    if (temperature !== 1) {
      scaleLogits(model, temperature);
      valProbs = await predictProbs(model, val.map((e) => e.x), cfg, norm, labels.length);
    }
    const declined = choice && choice.fitted !== 1 && temperature === 1 ? { temperature: choice.fitted, error: choice.errorFitted } : undefined;
    const calibration = { temperature, errorBefore, errorAfter: temperature === 1 ? errorBefore : calibrationError(valProbs, valIdx), n: valProbs.length, ...(declined ? { declined } : {}) };
    if (temperature !== 1) log(`temperature ${temperature}: calibration error on the validation examples ${errorBefore.toFixed(3)} → ${calibration.errorAfter.toFixed(3)}`);
    if (declined) log(`temperature ${declined.temperature} (log-likelihood) not applied: it would raise the calibration error on the validation examples from ${errorBefore.toFixed(3)} to ${declined.error.toFixed(3)}`);
    const threshold = calibrateThreshold(valProbs, valTruth, labels);
    let refit: TrainResult['refit'];
    if (o.refitAll && split.val.length > 0) {
      log(`refit: training again on all ${split.train.length + split.val.length} clips for ${bestEpoch} epochs`);
      const allEx = trainEx.slice();
      for (const c of split.val) if (labels.includes(c.species)) allEx.push(...(await clipTrainExamples(c, dsOpts, noise)));
      const rNorm = normStats(allEx.map((e) => e.x), cfg.nMfcc, cfg.frames);
      const rY = allEx.map((e) => labels.indexOf(e.label));
      const rCounts: Record<string, number> = {};
      for (const e of allEx) rCounts[e.label] = (rCounts[e.label] ?? 0) + 1;
      const rWeight: Record<number, number> = {};
      labels.forEach((l, j) => { rWeight[j] = allEx.length / (labels.length * Math.max(1, rCounts[l] ?? 0)); });
      const rModel = buildArch(o.arch, { frames: cfg.frames, nMfcc: cfg.nMfcc, nClasses: labels.length, seed: initSeed, rhythm: cfg.rhythm === true });
      const rFit = trainingView(rModel, o.headLoss);
      rFit.model.compile({ optimizer: tf.train.adam(o.learningRate ?? 1e-3), loss: 'categoricalCrossentropy' });
      const rx = toTensor(allEx.map((e) => e.x), cfg, rNorm);
      const ry = tf.oneHot(tf.tensor1d(rY, 'int32'), labels.length);
      const rMask = statsViewMask(allEx, o.statsViews, rFit.heads);
      const rr = seededRandom(initSeed ^ 0x4321);
      // each branch stops at its own split-run epoch, as it did there
      const rBranches = branchEpochs ? new BranchCheckpoints(rModel) : null;
      for (let epoch = 1; epoch <= bestEpoch; epoch++) {
        const t0 = Date.now();
        const loss = await fitEpoch(rFit.model, rFit.heads, rMask, rx, ry, allEx.length, cfg, rNorm, rr, bs, rWeight, o.labelSmoothing ?? 0, o.mixup ?? 0, responseDb, refitDistill, (b, n) => o.onBatch?.(epoch, b, n));
        log(`refit epoch ${epoch}/${bestEpoch}: loss ${loss.toFixed(3)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
        if (rBranches && branchEpochs) for (const b of ['conv', 'stats'] as const) if (epoch === branchEpochs[b]) rBranches.keep(b, epoch);
      }
      rBranches?.restore();
      if (o.convWeight !== undefined && o.convWeight !== 1) weightConvBranch(rModel, o.convWeight);
      rx.dispose(); ry.dispose(); rMask?.dispose();
      if (temperature !== 1) scaleLogits(rModel, temperature); // the split model's temperature: the refit has no clip left to fit one on
      refit = { model: rModel, norm: rNorm, nTrain: allEx.length, trainCounts: rCounts };
    }
    return { model, labels, norm, threshold, split, heldOut, trainedOn, val, valProbs, calibration, history, bestEpoch, ...(branchEpochs ? { branchEpochs } : {}), nTrain: trainEx.length, trainCounts, skippedVal: valAll.length - val.length, cfg, refit };
  } finally {
    Math.random = realRandom;
    teachers.forEach((t) => t.dispose());
    refitTeachers.forEach((t) => t.dispose());
  }
}

/** The distillation settings of a run (null without teachers); inconsistent options are an error before any work. */
export function checkDistillUse(o: TrainOptions): DistillOptions | null {
  const teachers = o.teachers ?? [], refitTeachers = o.refitTeachers ?? [];
  if (teachers.length === 0) {
    if (refitTeachers.length > 0) throw new Error('--refit-teacher needs --teacher (the split run is distilled from split models)');
    if (o.distillAlpha !== undefined || o.distillTemperature !== undefined) throw new Error('--distill-alpha and --distill-temperature need at least one --teacher');
    return null;
  }
  if (o.refitAll && refitTeachers.length === 0) throw new Error('--refit-all with --teacher needs --refit-teacher: the refit trains on the validation clips too, so its teachers must be refits (trained on every clip), not the split teachers');
  if (!o.refitAll && refitTeachers.length > 0) throw new Error('--refit-teacher is only used with --refit-all');
  const options: DistillOptions = { alpha: o.distillAlpha ?? 0.5, temperature: o.distillTemperature ?? 1 };
  checkDistillOptions(options);
  return options;
}

/** Metrics of a validation subset with the model's decisions (threshold applied). */
/** A validation clip from a tape the split kept out of training: what the headline numbers score. */
export const isDisjointClip = (e: { readonly kind: string; readonly sameTape: boolean }): boolean => e.kind === 'clip' && !e.sameTape;

export function subsetMetrics(res: TrainResult, keep: (e: ValExample) => boolean, threshold = res.threshold): Metrics {
  const idx = res.val.map((e, i) => (keep(e) ? i : -1)).filter((i) => i >= 0);
  return classificationMetrics(idx.map((i) => res.val[i].label), decide(idx.map((i) => res.valProbs[i]), res.labels, threshold), res.labels);
}

export type { Clip };
