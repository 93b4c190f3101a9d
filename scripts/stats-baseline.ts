// The plain baseline on our splits: multinomial logistic regression on each clip's MFCC
// statistics over time (mean, standard deviation, mean absolute frame-to-frame step; the same
// fixedFeatures matrix the models see), trained on the training clips of a tape-disjoint split and
// scored on its unseen-tape validation clips, also with those clips first resampled to 22,050 Hz.
// It is what showed that the statistics the conv model's time-mean normalisation throws away carry
// species: see the tcn-cmn-stats architecture.
//   node --import tsx scripts/stats-baseline.ts [--splits 1,2,3] [--lambda 0.1] [--stats mean,std,step]
// Needs the shared data (HYDROMON_DATA, default ../shared/data).
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initDsp } from '../streams/dsp/fft.ts';
import { readMono, toRate } from '../models/audio.ts';
import { defaultFeatureConfig } from '../models/feature-config.ts';
import { featuresOf } from '../models/features.ts';
import { readManifests, type Clip } from '../models/manifest.ts';
import { classificationMetrics } from '../models/metrics.ts';
import { dataRoot } from '../models/paths.ts';
import { groupSplit } from '../models/split.ts';

type Stat = 'mean' | 'std' | 'step';

/** Per coefficient over the T frames of a T × C matrix: the requested statistics, concatenated. */
export function clipStats(m: Float32Array, T: number, C: number, which: readonly Stat[]): Float64Array {
  const out = new Float64Array(which.length * C);
  for (let c = 0; c < C; c++) {
    let s = 0, step = 0;
    for (let t = 0; t < T; t++) { s += m[t * C + c]; if (t > 0) step += Math.abs(m[t * C + c] - m[(t - 1) * C + c]); }
    const mean = s / T;
    let v = 0;
    for (let t = 0; t < T; t++) v += (m[t * C + c] - mean) ** 2;
    const got: Record<Stat, number> = { mean, std: Math.sqrt(v / T), step: step / Math.max(1, T - 1) };
    which.forEach((w, k) => { out[k * C + c] = got[w]; });
  }
  return out;
}

/** Softmax regression by full-batch gradient descent, classes weighted equally, L2 `lambda`. */
export function fitLogistic(X: readonly Float64Array[], y: readonly number[], K: number, lambda: number, iters = 500, lr = 0.5): (x: Float64Array) => Float64Array {
  const D = X[0].length;
  const W = new Float64Array(D * K), b = new Float64Array(K);
  const count = new Array<number>(K).fill(0);
  for (const v of y) count[v]++;
  const wOf = y.map((v) => 1 / (count[v] * count.filter((n) => n > 0).length));
  const probs = (x: Float64Array): Float64Array => {
    const z = new Float64Array(K);
    for (let k = 0; k < K; k++) { let s = b[k]; for (let d = 0; d < D; d++) s += x[d] * W[d * K + k]; z[k] = s; }
    const mx = Math.max(...z);
    let t = 0;
    for (let k = 0; k < K; k++) { z[k] = Math.exp(z[k] - mx); t += z[k]; }
    for (let k = 0; k < K; k++) z[k] /= t;
    return z;
  };
  for (let it = 0; it < iters; it++) {
    const gW = new Float64Array(D * K), gb = new Float64Array(K);
    X.forEach((x, i) => {
      const p = probs(x);
      p[y[i]] -= 1;
      for (let k = 0; k < K; k++) {
        const g = p[k] * wOf[i];
        gb[k] += g;
        for (let d = 0; d < D; d++) gW[d * K + k] += x[d] * g;
      }
    });
    for (let q = 0; q < W.length; q++) W[q] -= lr * (gW[q] + lambda * W[q]);
    for (let k = 0; k < K; k++) b[k] -= lr * gb[k];
  }
  return probs;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { splits: { type: 'string', default: '1,2,3' }, lambda: { type: 'string', default: '0.1' }, stats: { type: 'string', default: 'mean,std,step' } } });
  const which = values.stats.split(',') as Stat[];
  const lambda = Number(values.lambda);
  const data = dataRoot();
  const clips = readManifests([join(data, 'watkins', 'manifest.csv'), join(data, 'killer-whale-srkw', 'manifest.csv')]);
  const cfg = defaultFeatureConfig;
  await initDsp();
  const feats = new Map<string, { native: Float64Array; r22: Float64Array }>();
  for (const c of clips) {
    const a = await readMono(c.path);
    const s = (x: Float32Array, sr: number) => clipStats(featuresOf(x, sr, cfg), cfg.frames, cfg.nMfcc, which);
    feats.set(c.path, { native: s(a.samples, a.sampleRate), r22: s(toRate(a.samples, a.sampleRate, 22050), 22050) });
  }
  const species = [...new Set(clips.map((c) => c.species))].sort();
  const rows: { split: number; n: number; acc: number; f1: number; acc22: number }[] = [];
  for (const seed of values.splits.split(',').map(Number)) {
    const split = groupSplit(clips, 0.25, seed);
    const same = new Set(split.sameTapeSpecies);
    const val = split.val.filter((c) => !same.has(c.species));
    const raw = (cs: readonly Clip[], k: 'native' | 'r22') => cs.map((c) => feats.get(c.path)![k]);
    const train = raw(split.train, 'native');
    const D = train[0].length;
    const mu = new Float64Array(D), sd = new Float64Array(D);
    for (const x of train) for (let d = 0; d < D; d++) mu[d] += x[d] / train.length;
    for (const x of train) for (let d = 0; d < D; d++) sd[d] += (x[d] - mu[d]) ** 2 / train.length;
    for (let d = 0; d < D; d++) sd[d] = Math.sqrt(sd[d]) + 1e-9;
    const z = (x: Float64Array) => x.map((v, d) => (v - mu[d]) / sd[d]);
    const predict = fitLogistic(train.map(z), split.train.map((c) => species.indexOf(c.species)), species.length, lambda);
    const top = (xs: Float64Array[]) => xs.map((x) => { const p = predict(z(x)); return species[p.indexOf(Math.max(...p))]; });
    const truth = val.map((c) => c.species);
    const m = classificationMetrics(truth, top(raw(val, 'native')), species);
    const m22 = classificationMetrics(truth, top(raw(val, 'r22')), species);
    rows.push({ split: seed, n: val.length, acc: m.accuracy, f1: m.macro_f1, acc22: m22.accuracy });
    process.stdout.write(`split ${seed}: ${val.length} unseen-tape clips, accuracy ${(100 * m.accuracy).toFixed(1)} %, macro-F1 ${m.macro_f1.toFixed(3)}; resampled to 22,050 Hz ${(100 * m22.accuracy).toFixed(1)} %\n`);
  }
  const mean = (k: 'acc' | 'f1' | 'acc22') => rows.reduce((t, r) => t + r[k], 0) / rows.length;
  process.stdout.write(`mean (${which.join('+')}, lambda ${lambda}): accuracy ${(100 * mean('acc')).toFixed(1)} %, macro-F1 ${mean('f1').toFixed(3)}, at 22,050 Hz ${(100 * mean('acc22')).toFixed(1)} %\n`);
  process.stdout.write(JSON.stringify({ stats: which, lambda, rows }) + '\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
