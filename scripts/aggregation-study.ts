// Measures clip-decision rules (models/clip-aggregate.ts) on the tape-disjoint validation clips of
// saved split models, without retraining. Each argument is `<dir>[+<dir>…]:<split seed>`; several
// folders joined by '+' are averaged as an ensemble (view by view, probabilities).
//   node --import tsx scripts/aggregation-study.ts data/runs/r32000-s1:1 data/runs/r32000-s2:2 …
// Needs the shared data (HYDROMON_DATA, default ../shared/data). Prints one table per argument
// and the mean over arguments; --json <file> also writes every number.
// EVENTS_OVER=<s> (env): decide by energy events from that length on (classify: 10). LONG_BG=<x>
// (env): the background's RMS as a share of the clip's (default 0.1, i.e. 20 dB under).
// --long <seconds>: each clip is first set into a recording that long — the held-out background
// recording 20 dB under the clip's RMS (plus white noise 40 dB under, so no band is empty), the
// clip added once per 10 s at seeded random places — as a long Watkins cut or a user's file would
// come: what does each rule make of a clip much longer than any the model trained on?
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initDsp } from '../streams/dsp/fft.ts';
import { readMono, toRate, type MonoAudio } from '../models/audio.ts';
import { rms } from '../models/augment.ts';
import { gaussian, hash32, seededRandom } from '../models/random.ts';
import { loadClassifier, type SyncClassifier } from '../models/classifier.ts';
import { eventVote, LONG_CLIP_S } from '../models/long-clip.ts';
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
export interface ClipViews { readonly species: string; readonly seconds: number; readonly whole: Float32Array; readonly windows: Rows; /** The clip's energy-event vote (long-clip.ts), when measured. */ readonly eventVote?: number }

type Rule = (v: ClipViews, bg: number, threshold: number) => { p: Float32Array; skip?: number };
export const RULES: Record<string, Rule> = {
  'whole clip (current)': (v) => ({ p: v.whole }),
  'whole clip, species only': (v, bg) => ({ p: v.whole, skip: bg }),
  '2 s windows: mean': (v) => ({ p: meanProbs(v.windows) }),
  '2 s windows + whole: mean': (v) => ({ p: meanProbs([v.whole, ...v.windows]) }),
  '2 s windows + whole: geometric mean': (v) => ({ p: geoMeanProbs([v.whole, ...v.windows]) }),
  '2 s windows + whole: max confidence': (v) => ({ p: maxConfidence([v.whole, ...v.windows]) }),
  '2 s windows + whole: mean of non-background views': (v, bg) => ({ p: meanOfCalls([v.whole, ...v.windows], bg) }),
  '2 s windows + whole: mean, species only': (v, bg) => ({ p: meanProbs([v.whole, ...v.windows]), skip: bg }),
  'energy events: most detections, else whole clip (what classify does over 10 s)': (v) => ({ p: v.eventVote !== undefined ? oneHot(v.whole.length, v.eventVote) : v.whole }),
  '2 s windows: most detections (species ≥ threshold)': (v, bg, t) => ({ p: detectionVotes(v.windows, bg, t, false) }),
  '2 s windows: summed confidence of detections': (v, bg, t) => ({ p: detectionVotes(v.windows, bg, t, true) }),
};

function oneHot(k: number, j: number): Float32Array {
  const p = new Float32Array(k);
  p[j] = 1;
  return p;
}

/**
 * What a station would report over the clip: each window whose top label is a species at or above
 * the threshold is a detection; the clip gets the species with the most detections (or the most
 * summed confidence), ties to the summed confidence. No detection at all: the mean of the windows.
 */
function detectionVotes(windows: Rows, bg: number, threshold: number, byConfidence: boolean): Float32Array {
  const k = windows[0].length, votes = new Float32Array(k), conf = new Float32Array(k);
  for (const w of windows) {
    const j = argmaxOf(w);
    if (j !== bg && w[j] >= threshold) { votes[j] += 1; conf[j] += w[j]; }
  }
  if (conf.every((c) => c === 0)) return meanProbs(windows);
  return byConfidence ? conf : Float32Array.from(votes, (n, j) => n + conf[j] / (windows.length + 1));
}

/** The background recording every shipped recipe holds out of training (`--holdout`): the sea that --long sets clips into. */
export const readHeldOutBackground = (): Promise<MonoAudio> => readMono(join(data, 'narw-dclde', 'background', 'GSC_2000-05-19_00-30-00.wav'));

/** The clip set `longS` seconds into held-out background (see the header); seeded by the clip's key. */
const BG_LEVEL = Number(process.env.LONG_BG ?? '0.1');
export function longRecording(clip: Float32Array, sr: number, longS: number, background: MonoAudio, key: string): Float32Array {
  const r = seededRandom(hash32(key) ^ 0x10c6);
  const n = Math.round(longS * sr);
  if (clip.length >= n) return clip;
  // cut what is needed at the recording's own rate, then resample only that
  const need = Math.ceil((longS + 1) * background.sampleRate);
  const from = Math.floor(r() * Math.max(1, background.samples.length - need));
  const bg = toRate(background.samples.subarray(from, from + need), background.sampleRate, sr);
  const out = new Float32Array(n);
  const level = rms(clip), bgLevel = rms(bg.subarray(0, n)) || 1;
  for (let i = 0; i < n; i++) out[i] = (bg[i % bg.length] / bgLevel) * level * BG_LEVEL + gaussian(r) * level * 0.01;
  const times = Math.max(1, Math.round(longS / 10));
  for (let t = 0; t < times; t++) {
    const at = Math.floor(r() * (n - clip.length));
    for (let i = 0; i < clip.length; i++) out[at + i] += clip[i];
  }
  return out;
}

async function views(dirs: readonly string[], seed: number, windowS: number, hopS: number, longS = 0): Promise<{ labels: readonly string[]; clips: ClipViews[]; threshold: number; nViews: number }> {
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
    let heldOutBackground: MonoAudio | undefined;
    for (const c of val) {
      const read = await readMono(c.path);
      const a = longS > 0 ? { sampleRate: read.sampleRate, samples: longRecording(read.samples, read.sampleRate, longS, heldOutBackground ??= await readHeldOutBackground(), c.key) } : read;
      const x = toRate(a.samples, a.sampleRate, cfg.sampleRate);
      const spans = windowSpans(x.length, cfg.sampleRate, windowS, hopS);
      const feats = [featuresOf(a.samples, a.sampleRate, cfg), ...spans.map(([s, e]) => featuresOf(x.subarray(s, e), cfg.sampleRate, cfg))];
      const ps = predict(feats);
      // the events' vote (single models only: the pipeline runs one classifier)
      const vote = clfs.length === 1 && a.samples.length > Number(process.env.EVENTS_OVER ?? LONG_CLIP_S) * a.sampleRate ? await eventVote(a.samples, a.sampleRate, clfs[0]) : null;
      nViews += feats.length;
      clips.push({ species: c.species, seconds: a.samples.length / a.sampleRate, whole: ps[0], windows: ps.slice(1), ...(vote ? { eventVote: labels.indexOf(vote.species) } : {}) });
    }
    return { labels, clips, threshold: Math.max(...clfs.map((c) => c.threshold)), nViews };
  } finally {
    clfs.forEach((c) => c.dispose());
  }
}

export function score(labels: readonly string[], clips: readonly ClipViews[], rule: Rule, threshold = 0.5): { accuracy: number; macroF1: number; predictedBackground: number } {
  const bg = labels.indexOf(BACKGROUND);
  const pred = clips.map((v) => { const { p, skip } = rule(v, bg, threshold); return labels[argmaxOf(p, skip ?? -1)]; });
  const m = classificationMetrics(clips.map((c) => c.species), pred, labels);
  return { accuracy: m.accuracy, macroF1: m.macro_f1, predictedBackground: pred.filter((p) => p === BACKGROUND).length };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const jsonOut = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : null;
  const longAt = args.indexOf('--long');
  const longS = longAt >= 0 ? Number(args.splice(longAt, 2)[1]) : 0;
  if (!(longS >= 0)) throw new Error('--long: seconds ≥ 0');
  await initDsp();
  const all: Record<string, Record<string, ReturnType<typeof score>>> = {};
  for (const spec of args) {
    const [dirs, seedS] = spec.split(':');
    const t0 = Date.now();
    const { labels, clips, nViews, threshold } = await views(dirs.split('+'), Number(seedS), 2, 1, longS);
    const ms = Date.now() - t0;
    const long = clips.filter((c) => c.windows.length > 1).length;
    process.stdout.write(`\n${spec}: ${clips.length} tape-disjoint clips (${long} longer than 2 s), ${nViews} views, ${(ms / 1000).toFixed(0)} s\n`);
    all[spec] = {};
    for (const [name, rule] of Object.entries(RULES)) {
      const s = score(labels, clips, rule, threshold);
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
