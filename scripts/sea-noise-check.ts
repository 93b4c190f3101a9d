// What a model makes of the sea's own non-call sounds (ship propellers, rain, snapping shrimp,
// echo sounders; models/sea-noise.ts), and whether calls still come through them:
//  1. detections on 2 s of each kind at 48 kHz (parameters and levels drawn from seeds no training
//     run uses), per kind;
//  2. a split model's unseen-tape validation clips mixed with the same kinds of noise at a given
//     SNR, top-label accuracy against the clean clips (a refit saw those clips: skipped);
//  3. snapping shrimp at fixed snap rates (10 to 3,000 per second): which rates read as calls.
//   node --import tsx scripts/sea-noise-check.ts [--per 25] [--snr 10] [--json] <model dir> …
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readMono } from '../models/audio.ts';
import { mixAtSnr } from '../models/augment.ts';
import { loadClassifier, type SyncClassifier } from '../models/classifier.ts';
import { argmaxOf } from '../models/clip-aggregate.ts';
import { featuresOf } from '../models/features.ts';
import { readManifests } from '../models/manifest.ts';
import { cardPath } from '../models/paths.ts';
import { seededRandom, uniform } from '../models/random.ts';
import { SEA_NOISE_KINDS, seaNoiseSignal, shrimpAtRate, type SeaNoiseKind } from '../models/sea-noise.ts';
import { groupSplit } from '../models/split.ts';
import { NON_DETECTIONS } from '../streams/detection.ts';
import { initDsp } from '../streams/dsp/fft.ts';

/** Held-out seeds: training draws sea noise from seededRandom(seed ^ 0x5ea5) with small split seeds. */
const PROBE_SEED = 900001;

/** `per` signals of each kind, `seconds` long at `sr`, peaks −50 to −3 dBFS; deterministic. */
export function seaNoiseProbes(sr: number, per: number, seconds = 2): Record<SeaNoiseKind, Float32Array[]> {
  return Object.fromEntries(SEA_NOISE_KINDS.map((k, ki) => {
    const r = seededRandom(PROBE_SEED + ki);
    return [k, Array.from({ length: per }, () => seaNoiseSignal(k, Math.round(seconds * sr), sr, uniform(r, -50, -3), r))];
  })) as Record<SeaNoiseKind, Float32Array[]>;
}

export interface ProbeResult { readonly kind: SeaNoiseKind; readonly n: number; readonly detections: number; readonly top: Record<string, number> }

/** Detections (a species at or above the model's threshold: what the live pipeline would store) on each kind's probes. */
export function probeDetections(clf: SyncClassifier, probes: Record<SeaNoiseKind, Float32Array[]>, sr: number): ProbeResult[] {
  return SEA_NOISE_KINDS.map((kind) => {
    const preds = clf.predictBatch(probes[kind].map((x) => featuresOf(x, sr, clf.featureConfig)));
    const top: Record<string, number> = {};
    let detections = 0;
    for (const p of preds) {
      if (NON_DETECTIONS.has(p.species)) continue;
      detections++;
      top[p.species] = (top[p.species] ?? 0) + 1;
    }
    return { kind, n: preds.length, detections, top };
  });
}

/** Snap rates (per second) of the shrimp-by-rate check: sparse snapping to a dense bed. */
export const SNAP_RATES = [10, 30, 100, 300, 1000, 3000] as const;

/** Detections on `per` 2 s shrimp probes at each snap rate (peaks −40 to −6 dBFS); deterministic. */
export function shrimpByRate(clf: Pick<SyncClassifier, 'predictBatch' | 'featureConfig'>, sr: number, per: number): { readonly rate: number; readonly n: number; readonly detections: number }[] {
  return SNAP_RATES.map((rate) => {
    const r = seededRandom(PROBE_SEED + 200 + rate);
    const xs = Array.from({ length: per }, () => featuresOf(shrimpAtRate(2 * sr, sr, rate, uniform(r, -40, -6), r), sr, clf.featureConfig));
    const detections = clf.predictBatch(xs).filter((p) => !NON_DETECTIONS.has(p.species)).length;
    return { rate, n: per, detections };
  });
}

export interface MixedResult { readonly n: number; readonly clean: number; readonly mixed: Record<SeaNoiseKind, number> }

/** Top-label accuracy of a split model on its unseen-tape clips, clean and in each kind of sea noise at `snrDb`. */
export async function callsInSeaNoise(clf: SyncClassifier, manifests: readonly string[], splitSeed: number, snrDb: number): Promise<MixedResult> {
  const split = groupSplit(readManifests(manifests), 0.25, splitSeed);
  const same = new Set(split.sameTapeSpecies);
  const val = split.val.filter((c) => !same.has(c.species) && clf.labels.includes(c.species));
  const clean: Float32Array[] = [];
  const mixed = Object.fromEntries(SEA_NOISE_KINDS.map((k) => [k, [] as Float32Array[]])) as Record<SeaNoiseKind, Float32Array[]>;
  const r = seededRandom(PROBE_SEED + 100);
  for (const c of val) {
    const a = await readMono(c.path);
    clean.push(featuresOf(a.samples, a.sampleRate, clf.featureConfig));
    for (const k of SEA_NOISE_KINDS) {
      const noise = seaNoiseSignal(k, a.samples.length, a.sampleRate, -20, r);
      mixed[k].push(featuresOf(mixAtSnr(a.samples, noise, snrDb), a.sampleRate, clf.featureConfig));
    }
  }
  const acc = (xs: Float32Array[]): number => {
    const preds = clf.predictBatch(xs);
    // top label, threshold aside: the same measure as the card's clip accuracy
    return preds.filter((p, i) => clf.labels[argmaxOf(p.probs!)] === val[i].species).length / Math.max(1, val.length);
  };
  return { n: val.length, clean: acc(clean), mixed: Object.fromEntries(SEA_NOISE_KINDS.map((k) => [k, acc(mixed[k])])) as Record<SeaNoiseKind, number> };
}

interface CardFacts { readonly seed: number; readonly manifests: string[]; readonly command: string }

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { per: { type: 'string', default: '25' }, snr: { type: 'string', default: '10' }, json: { type: 'boolean', default: false } } });
  const per = Number(values.per), snr = Number(values.snr);
  if (!Number.isInteger(per) || per < 1) throw new Error(`sea-noise-check: --per must be a whole number ≥ 1, not ${values.per}`);
  if (!Number.isFinite(snr)) throw new Error(`sea-noise-check: --snr must be a number (dB), not ${values.snr}`);
  if (positionals.length === 0) throw new Error('sea-noise-check: name at least one model folder');
  await initDsp();
  const sr = 48000, probes = seaNoiseProbes(sr, per);
  const out: unknown[] = [];
  for (const dir of positionals) {
    const clf = await loadClassifier(resolve(dir));
    try {
      const cardFile = join(resolve(dir), 'card.json');
      // a folder whose training has not finished has weights but no card yet
      if (!existsSync(cardFile)) throw new Error(`sea-noise-check: ${dir} has no card.json (its training has not finished, or it is not a model folder trained here)`);
      const card = JSON.parse(readFileSync(cardFile, 'utf8')) as CardFacts;
      const probe = probeDetections(clf, probes, sr);
      const refit = / --refit-all\b/.test(card.command);
      const calls = refit ? null : await callsInSeaNoise(clf, card.manifests.map(cardPath), card.seed, snr);
      const byRate = shrimpByRate(clf, sr, 12);
      out.push({ dir, threshold: clf.threshold, probe, snrDb: snr, calls, shrimpByRate: byRate });
      if (!values.json) {
        const p = probe.map((x) => `${x.kind} ${x.detections}/${x.n}`).join(', ');
        const c = calls ? `; clips (n ${calls.n}) clean ${(100 * calls.clean).toFixed(1)} %, at ${snr} dB SNR ${SEA_NOISE_KINDS.map((k) => `${k} ${(100 * calls.mixed[k]).toFixed(1)} %`).join(', ')}` : '; refit: no unseen clips';
        process.stdout.write(`${dir}: detections on sea noise ${p}${c}\n  shrimp by snap rate: ${byRate.map((x) => `${x.rate}/s ${x.detections}/${x.n}`).join(', ')}\n`);
      }
    } finally {
      clf.dispose();
    }
  }
  if (values.json) process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`); process.exitCode = 1; });
}
