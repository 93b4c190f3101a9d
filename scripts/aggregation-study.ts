// Measures clip-decision rules (models/clip-aggregate.ts) on the tape-disjoint validation clips of
// saved split models, without retraining. Each argument is `<dir>[+<dir>…]:<split seed>`; several
// folders joined by '+' are averaged as an ensemble (view by view, probabilities).
//   node --import tsx scripts/aggregation-study.ts data/runs/r32000-s1:1 data/runs/r32000-s2:2 …
// Needs the shared data (HYDROMON_DATA, default ../shared/data). Prints one table per argument
// and the mean over arguments; --json <file> also writes every number.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initDsp } from '../streams/dsp/fft.ts';
import { readMono, toRate } from '../models/audio.ts';
import { loadClassifier, type SyncClassifier } from '../models/classifier.ts';
import { argmaxOf, geoMeanProbs, maxConfidence, meanOfCalls, meanProbs, windowSpans } from '../models/clip-aggregate.ts';
import { BACKGROUND } from '../models/dataset.ts';
import { featuresOf } from '../models/features.ts';
import { readManifests } from '../models/manifest.ts';
import { classificationMetrics } from '../models/metrics.ts';
import { dataRoot } from '../models/paths.ts';
import { groupSplit } from '../models/split.ts';

const data = dataRoot();
const manifests = [join(data, 'watkins', 'manifest.csv'), join(data, 'killer-whale-srkw', 'manifest.csv')];

type Rows = Float32Array[];
export interface ClipViews { readonly species: string; readonly seconds: number; readonly whole: Float32Array; readonly windows: Rows }

type Rule = (v: ClipViews, bg: number) => { p: Float32Array; skip?: number };
export const RULES: Record<string, Rule> = {
  'whole clip (current)': (v) => ({ p: v.whole }),
  'whole clip, species only': (v, bg) => ({ p: v.whole, skip: bg }),
  '2 s windows: mean': (v) => ({ p: meanProbs(v.windows) }),
  '2 s windows + whole: mean': (v) => ({ p: meanProbs([v.whole, ...v.windows]) }),
  '2 s windows + whole: geometric mean': (v) => ({ p: geoMeanProbs([v.whole, ...v.windows]) }),
  '2 s windows + whole: max confidence': (v) => ({ p: maxConfidence([v.whole, ...v.windows]) }),
  '2 s windows + whole: mean of non-background views': (v, bg) => ({ p: meanOfCalls([v.whole, ...v.windows], bg) }),
  '2 s windows + whole: mean, species only': (v, bg) => ({ p: meanProbs([v.whole, ...v.windows]), skip: bg }),
};

async function views(dirs: readonly string[], seed: number, windowS: number, hopS: number): Promise<{ labels: readonly string[]; clips: ClipViews[]; threshold: number; nViews: number }> {
  const clfs: SyncClassifier[] = [];
  for (const d of dirs) clfs.push(await loadClassifier(resolve(d)));
  try {
    const labels = clfs[0].labels;
    for (const c of clfs) if (c.labels.join() !== labels.join()) throw new Error('ensemble members have different labels');
    const cfg = clfs[0].featureConfig;
    const split = groupSplit(readManifests(manifests), 0.25, seed);
    const same = new Set(split.sameTapeSpecies);
    const val = split.val.filter((c) => !same.has(c.species) && labels.includes(c.species));
    const predict = (xs: Float32Array[]): Rows => {
      const sum = xs.map(() => new Float32Array(labels.length));
      for (const c of clfs) c.predictBatch(xs).forEach((p, i) => { for (let j = 0; j < labels.length; j++) sum[i][j] += p.probs![j] / clfs.length; });
      return sum;
    };
    const clips: ClipViews[] = [];
    let nViews = 0;
    for (const c of val) {
      const a = await readMono(c.path);
      const x = toRate(a.samples, a.sampleRate, cfg.sampleRate);
      const spans = windowSpans(x.length, cfg.sampleRate, windowS, hopS);
      const feats = [featuresOf(a.samples, a.sampleRate, cfg), ...spans.map(([s, e]) => featuresOf(x.subarray(s, e), cfg.sampleRate, cfg))];
      const ps = predict(feats);
      nViews += feats.length;
      clips.push({ species: c.species, seconds: a.samples.length / a.sampleRate, whole: ps[0], windows: ps.slice(1) });
    }
    return { labels, clips, threshold: Math.max(...clfs.map((c) => c.threshold)), nViews };
  } finally {
    clfs.forEach((c) => c.dispose());
  }
}

export function score(labels: readonly string[], clips: readonly ClipViews[], rule: Rule): { accuracy: number; macroF1: number; predictedBackground: number } {
  const bg = labels.indexOf(BACKGROUND);
  const pred = clips.map((v) => { const { p, skip } = rule(v, bg); return labels[argmaxOf(p, skip ?? -1)]; });
  const m = classificationMetrics(clips.map((c) => c.species), pred, labels);
  return { accuracy: m.accuracy, macroF1: m.macro_f1, predictedBackground: pred.filter((p) => p === BACKGROUND).length };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const jsonOut = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : null;
  await initDsp();
  const all: Record<string, Record<string, ReturnType<typeof score>>> = {};
  for (const spec of args) {
    const [dirs, seedS] = spec.split(':');
    const t0 = Date.now();
    const { labels, clips, nViews } = await views(dirs.split('+'), Number(seedS), 2, 1);
    const ms = Date.now() - t0;
    const long = clips.filter((c) => c.windows.length > 1).length;
    process.stdout.write(`\n${spec}: ${clips.length} tape-disjoint clips (${long} longer than 2 s), ${nViews} views, ${(ms / 1000).toFixed(0)} s\n`);
    all[spec] = {};
    for (const [name, rule] of Object.entries(RULES)) {
      const s = score(labels, clips, rule);
      all[spec][name] = s;
      process.stdout.write(`  ${name.padEnd(52)} acc ${(100 * s.accuracy).toFixed(1).padStart(5)} %  macro-F1 ${s.macroF1.toFixed(3)}  → background ${s.predictedBackground}\n`);
    }
  }
  if (args.length > 1) {
    process.stdout.write('\nmean over the arguments\n');
    for (const name of Object.keys(RULES)) {
      const xs = args.map((a) => all[a][name]);
      const acc = xs.reduce((t, s) => t + s.accuracy, 0) / xs.length, f1 = xs.reduce((t, s) => t + s.macroF1, 0) / xs.length;
      process.stdout.write(`  ${name.padEnd(52)} acc ${(100 * acc).toFixed(1).padStart(5)} %  macro-F1 ${f1.toFixed(3)}\n`);
    }
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(all, null, 1) + '\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
