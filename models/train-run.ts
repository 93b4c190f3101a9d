// One training run end to end: train, save the model folder, run the card's checks, write
// MODEL_CARD.md, the confusion PNG and metrics.json. The CLI's `train` command is a thin shell.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { renderCard, type CardInput } from './card.ts';
import { resampleCheck, streamCheck, type ResampleCheck, type StreamCheck } from './checks.ts';
import type { Metrics } from './metrics.ts';
import { saveClassifier } from './model-io.ts';
import { confusionPng } from './png.ts';
import { checkCrossSplits, extraSplits, splitScore, type SplitScore } from './cross-splits.ts';
import { projectRoot } from './paths.ts';
import { withThresholdFloor } from './threshold.ts';
import { isDisjointClip, subsetMetrics, train, predictProbs, type TrainOptions, type TrainResult } from './train.ts';

export interface RunOptions extends TrainOptions {
  readonly out: string;
  readonly name?: string;
  /** How the run was started, recorded in the card. */
  readonly command: string;
  /** Folders of other models trained on the same split, listed in the card for comparison. */
  readonly compare?: readonly string[];
  /** Skip the resampling and streaming checks (fast runs, tests). */
  readonly skipChecks?: boolean;
  /** When set and a background recording is held out: raise the threshold to keep its false alarms per hour at most this. */
  readonly maxFalseAlarmsPerHour?: number;
  /** Never ship a threshold below this (threshold.ts); the streaming check then runs at it. */
  readonly minThreshold?: number;
  /** Species of the annotated calls checked by streaming (default: the first annotated source's). */
  readonly streamSpecies?: string;
  /** Score the recipe on this many split seeds (seed, seed+1, …; the extra ones without refit or streaming check). Default 1. */
  readonly crossSplits?: number;
}

export interface RunSummary {
  readonly name: string;
  readonly arch: string;
  readonly params: number;
  readonly command: string;
  readonly threshold: number;
  readonly bestEpoch: number;
  readonly branchEpochs?: { readonly conv: number; readonly stats: number };
  readonly disjointTop: Metrics;
  readonly disjointThresholded: Metrics;
  readonly sameTapeTop: Metrics | null;
  readonly continuousThresholded: Metrics | null;
  readonly resampling: ResampleCheck[];
  readonly stream: StreamCheck | null;
  readonly history: TrainResult['history'];
  /** With crossSplits > 1: the recipe's score on each split seed, this run's first. */
  readonly crossSplits?: SplitScore[];
}

export async function trainAndWrite(o: RunOptions): Promise<RunSummary> {
  const log = o.log ?? (() => {});
  checkCrossSplits(o);
  const res = await train(o);
  const name = o.name ?? basename(o.out);
  const params = res.model.countParams();
  // The split model answers for the validation clips (it never saw them); the shipped model is
  // the refit one when there is one, and the streaming check and threshold are its own.
  const probs = (xs: readonly Float32Array[]) => predictProbs(res.model, xs, res.cfg, res.norm, res.labels.length);
  const shipped = res.refit ?? { model: res.model, norm: res.norm };
  const shippedProbs = (xs: readonly Float32Array[]) => predictProbs(shipped.model, xs, res.cfg, shipped.norm, res.labels.length);
  let resampling: ResampleCheck[] = [];
  let stream: StreamCheck | null = null;
  let threshold = res.threshold;
  let thresholdRule = 'the validation windows and clips (a species named on a background window costs two decisions)';
  const target = o.streamSpecies ?? o.annotated?.[0]?.species;
  const streaming = !o.skipChecks && target !== undefined && res.heldOut.some((r) => r.species === target);
  const maxFa = o.maxFalseAlarmsPerHour;
  if (streaming && maxFa !== undefined && res.heldOut.some((r) => r.species === null)) {
    // Raise the threshold until sliding windows over the held-out background stay within
    // the false-alarm budget (validation data, so the reported rate is optimistic).
    log('choosing the threshold on the held-out background recording');
    const sweep = (await streamCheck(res.heldOut, shippedProbs, res.labels, target, res.cfg, threshold, false)).sweep;
    const ok = sweep.find((m) => m.threshold >= threshold && m.backgroundFaPerHour <= maxFa);
    if (ok && ok.threshold > threshold) {
      threshold = ok.threshold;
      thresholdRule = `the held-out background recording: the lowest swept threshold with at most ${maxFa} false alarms per hour of 2 s windows (above the ${res.threshold} that validation decisions alone gave)`;
    }
  }
  ({ threshold, rule: thresholdRule } = withThresholdFloor({ threshold, rule: thresholdRule }, o.minThreshold));
  if (!o.skipChecks) {
    const sameTape = new Set(res.split.sameTapeSpecies);
    log('checking the validation clips resampled to 22,050 and 48,000 Hz');
    resampling = await resampleCheck(res.split.val.filter((c) => !sameTape.has(c.species)), probs, res.labels, res.cfg, [22050, 48000]);
    if (streaming) {
      log('streaming check on the held-out recordings');
      stream = await streamCheck(res.heldOut, shippedProbs, res.labels, target, res.cfg, threshold);
    }
  }
  await saveClassifier(o.out, {
    model: shipped.model, labels: res.labels, featureConfig: res.cfg,
    meta: { name, arch: o.arch, threshold, norm: shipped.norm, params, trainedAt: new Date().toISOString(), command: o.command, seed: o.seed },
  });
  log(`saved ${o.out} (threshold ${threshold})`);
  const disjointTop = subsetMetrics(res, isDisjointClip, 0);
  const disjointThresholded = subsetMetrics(res, isDisjointClip, threshold);
  const sameTapeTop = res.val.some((e) => e.kind === 'clip' && e.sameTape) ? subsetMetrics(res, (e) => e.kind === 'clip' && e.sameTape, 0) : null;
  const continuousThresholded = res.val.some((e) => e.kind !== 'clip') ? subsetMetrics(res, (e) => e.kind !== 'clip', threshold) : null;
  writeFileSync(join(o.out, 'confusion.png'), confusionPng(disjointTop.confusion.matrix));
  const groups: Record<string, { train: string[]; val: string[] }> = {};
  for (const [side, clips] of [['train', res.split.train], ['val', res.split.val]] as const) {
    for (const c of clips) {
      const g = (groups[c.species] ??= { train: [], val: [] });
      const id = res.split.groupOf.get(c.path)!;
      if (!g[side].includes(id)) g[side].push(id);
    }
  }
  const baselines = readBaselines(o.compare ?? []);
  let crossSplits: SplitScore[] | undefined;
  if ((o.crossSplits ?? 1) > 1) {
    // this run's split: the metrics and the 22,050 Hz check above, not computed again
    const main = splitScore(o.seed, disjointTop, resampling.find((r) => r.rate === 22050)?.metrics);
    crossSplits = [main, ...(await extraSplits(o, (o.crossSplits ?? 1) - 1, !o.skipChecks, log))];
  }
  const rel = (p: string): string => relative(projectRoot, p).startsWith('..') ? p : relative(projectRoot, p);
  const summary: RunSummary = { name, arch: o.arch, params, command: o.command, threshold, bestEpoch: res.bestEpoch, ...(res.branchEpochs ? { branchEpochs: res.branchEpochs } : {}), disjointTop, disjointThresholded, sameTapeTop, continuousThresholded, resampling, stream, history: res.history, ...(crossSplits ? { crossSplits } : {}) };
  writeFileSync(join(o.out, 'metrics.json'), JSON.stringify(summary, null, 1) + '\n');
  const dataRoot = process.env.HYDROMON_DATA;
  const shown = (p: string): string => (dataRoot && p.startsWith(dataRoot) ? `$HYDROMON_DATA${p.slice(dataRoot.length)}` : rel(p));
  const card: CardInput = {
    name, arch: o.arch, params, command: o.command, seed: o.seed, trainedAt: new Date().toISOString(), cfg: res.cfg,
    labels: res.labels, threshold, thresholdRule, manifests: o.manifests.map(shown), trainCounts: res.refit?.trainCounts ?? res.trainCounts,
    refit: res.refit ? { clips: res.split.train.length + res.split.val.length, epochs: res.bestEpoch, examples: res.refit.nTrain } : undefined,
    nTrainClips: res.split.train.length, nValClips: res.split.val.length, groupsPerSpecies: groups, sameTapeSpecies: res.split.sameTapeSpecies,
    trainedOnRecordings: res.trainedOn.map((r) => basename(r.path)), heldOutRecordings: res.heldOut.map((r) => basename(r.path)),
    bestEpoch: res.bestEpoch, ...(res.branchEpochs ? { branchEpochs: res.branchEpochs } : {}), ...(o.convWeight !== undefined && o.convWeight !== 1 ? { convWeight: o.convWeight } : {}), ...(o.recorderResponseDb !== undefined && o.recorderResponseDb !== 4 ? { recorderResponseDb: o.recorderResponseDb } : {}), epochs: res.history.length, epochSeconds: res.history.reduce((a, e) => a + e.seconds, 0) / Math.max(1, res.history.length),
    disjointTop, disjointThresholded, sameTapeTop, continuousThresholded, resampling, stream, baselines, confusionPng: 'confusion.png',
    calibration: res.calibration,
    ...(crossSplits ? { crossSplits } : {}),
  };
  // Distillation is in the command; card.json also keeps it as data (teachers as given, α, T).
  const distill = (o.teachers ?? []).length > 0
    ? { teachers: (o.teachers ?? []).map(rel), refitTeachers: (o.refitTeachers ?? []).map(rel), alpha: o.distillAlpha ?? 0.5, temperature: o.distillTemperature ?? 1 }
    : undefined;
  // Kept beside the card so it can be re-rendered (e.g. with baselines trained later) without retraining.
  writeFileSync(join(o.out, 'card.json'), JSON.stringify(distill ? { ...card, distill } : card) + '\n');
  writeFileSync(join(o.out, 'MODEL_CARD.md'), renderCard(card));
  res.model.dispose();
  res.refit?.model.dispose();
  tf.disposeVariables();
  return summary;
}

/** The headline numbers of other model folders (their metrics.json), for the card's comparison. */
export function readBaselines(dirs: readonly string[]): CardInput['baselines'] {
  return dirs.filter((d) => existsSync(join(d, 'metrics.json'))).map((d) => {
    const m = JSON.parse(readFileSync(join(d, 'metrics.json'), 'utf8')) as RunSummary;
    return { arch: m.arch, params: m.params, accuracy: m.disjointTop.accuracy, macroF1: m.disjointTop.macro_f1, command: m.command };
  });
}

/** Re-renders a model folder's MODEL_CARD.md from its card.json, listing `compare` folders as baselines. */
export function rerenderCard(dir: string, compare: readonly string[]): void {
  const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as CardInput;
  // A baseline given again (same command) replaces its old row instead of repeating it.
  const added = readBaselines(compare);
  const kept = card.baselines.filter((b) => !added.some((a) => a.command === b.command));
  const next: CardInput = { ...card, baselines: [...kept, ...added] };
  writeFileSync(join(dir, 'card.json'), JSON.stringify(next) + '\n');
  writeFileSync(join(dir, 'MODEL_CARD.md'), renderCard(next));
}
