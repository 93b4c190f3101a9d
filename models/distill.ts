// Knowledge distillation of a seed ensemble into one model of the same cost: the student's targets
// become t = α·hard + (1 − α)·mean over teachers of their probabilities, with the teachers run on
// exactly the view the student trains on this epoch (after the random recorder response, label
// smoothing and mixup). Teachers are saved model folders; each standardises its raw features with
// its own training statistics (loadClassifier), so the student's normalised batch is turned back
// into raw features before they see it.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FeatureConfig } from '../streams/types.ts';
import { loadClassifier } from './classifier.ts';
import { argmaxOf } from './clip-aggregate.ts';
import { featureConfigDiff } from './feature-config.ts';

export interface DistillOptions {
  /** Weight of the hard (one-hot, smoothed, mixed) target; 1 − alpha goes to the teachers. */
  readonly alpha: number;
  /** Teacher probabilities softened as softmax(z/T) (T > 1 flattens, 1 leaves them). */
  readonly temperature: number;
}

export interface Teacher {
  readonly name: string;
  readonly labels: readonly string[];
  readonly featureConfig: FeatureConfig;
  /** Class probabilities (labels order) of raw, un-normalised T×nMfcc feature matrices. */
  probs(batch: readonly Float32Array[]): Float32Array[];
  dispose(): void;
}

export function checkDistillOptions(o: DistillOptions): void {
  if (!(o.alpha >= 0 && o.alpha <= 1)) throw new Error(`distillation: alpha must be from 0 to 1, got ${o.alpha}`);
  if (!(o.temperature > 0 && Number.isFinite(o.temperature))) throw new Error(`distillation: temperature must be > 0, got ${o.temperature}`);
}

/** softmax(z/T) from p = softmax(z): p^(1/T), renormalised (in logs, so tiny p do not underflow). */
export function soften(p: Float32Array, temperature: number): Float32Array {
  if (temperature === 1) return Float32Array.from(p);
  const logs = Array.from(p, (v) => Math.log(Math.max(v, 1e-30)) / temperature);
  const top = Math.max(...logs);
  const e = logs.map((l) => Math.exp(l - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return Float32Array.from(e, (v) => v / sum);
}

/** Mean over teachers (outer index) of each example's softened probabilities. */
export function teacherMean(perTeacher: readonly (readonly Float32Array[])[], temperature: number): Float32Array[] {
  if (perTeacher.length === 0) throw new Error('distillation: no teachers');
  const n = perTeacher[0].length;
  for (const t of perTeacher) if (t.length !== n) throw new Error(`distillation: teachers answered ${perTeacher.map((x) => x.length).join(' / ')} examples`);
  return Array.from({ length: n }, (_, i) => {
    const k = perTeacher[0][i].length;
    const out = new Float32Array(k);
    for (const t of perTeacher) {
      const p = soften(t[i], temperature);
      if (p.length !== k) throw new Error(`distillation: teachers give ${k} and ${p.length} classes`);
      for (let j = 0; j < k; j++) out[j] += p[j] / perTeacher.length;
    }
    return out;
  });
}

/** α·hard + (1 − α)·soft, element by element (both [n·k] in the same order). */
export function distillTargets(hard: Float32Array, soft: Float32Array, alpha: number): Float32Array {
  if (hard.length !== soft.length) throw new Error(`distillation: ${hard.length} hard target values but ${soft.length} teacher values`);
  return Float32Array.from(hard, (h, i) => alpha * h + (1 - alpha) * soft[i]);
}

/** Teachers must name the same classes in the same order and compute the same features as the student. */
export function checkTeachers(teachers: readonly Teacher[], labels: readonly string[], cfg: FeatureConfig): void {
  if (teachers.length === 0) throw new Error('distillation: no teachers');
  for (const t of teachers) {
    if (t.labels.join('\u0000') !== labels.join('\u0000')) {
      throw new Error(`teacher ${t.name} has labels [${t.labels.join(', ')}] but the student trains on [${labels.join(', ')}]; distillation needs the same classes in the same order`);
    }
    const diff = featureConfigDiff(t.featureConfig, cfg);
    if (diff.length > 0) throw new Error(`teacher ${t.name} computes other features than the student (${diff.join(', ')})`);
  }
}

/** What a teacher folder's card.json says about its training, where it has one. */
interface TeacherCard { readonly seed?: number; readonly refit?: object }

/**
 * A teacher of the split run must not have seen the student's validation clips: a card that says
 * another split seed or a refit (validation tapes trained on) is an error. A refit's teachers
 * must be refits (they and the student both train on every clip).
 */
export function checkTeacherCard(dir: string, card: TeacherCard | null, want: { readonly seed: number; readonly refit: boolean }): void {
  if (!card) return;
  if (want.refit && !card.refit) throw new Error(`refit teacher ${dir} is not a refit (its card has no refit): a refit's teachers must have been trained on every clip too`);
  if (!want.refit) {
    if (card.refit) throw new Error(`teacher ${dir} is a refit: it trained on this split's validation clips, which would leak into the student's validation score; use split models as --teacher and refits as --refit-teacher`);
    if (card.seed !== undefined && card.seed !== want.seed) throw new Error(`teacher ${dir} was trained on split seed ${card.seed}, the student on ${want.seed}: its training clips include the student's validation clips`);
  }
}

/** Saved model folders as teachers (inference through loadClassifier: ONNX Runtime or tfjs wasm). */
export async function loadTeachers(dirs: readonly string[], want: { readonly seed: number; readonly refit: boolean }): Promise<Teacher[]> {
  const out: Teacher[] = [];
  try {
    for (const dir of dirs) {
      const cardPath = join(dir, 'card.json');
      checkTeacherCard(dir, existsSync(cardPath) ? (JSON.parse(readFileSync(cardPath, 'utf8')) as TeacherCard) : null, want);
      const c = await loadClassifier(dir);
      out.push({
        name: basename(dir), labels: c.labels, featureConfig: c.featureConfig,
        probs: (batch) => c.predictBatch(batch).map((p) => {
          if (!p.probs) throw new Error(`teacher ${dir}: no probabilities`);
          return p.probs;
        }),
        dispose: () => c.dispose(),
      });
    }
  } catch (err) {
    out.forEach((t) => t.dispose());
    throw err;
  }
  return out;
}

/**
 * Distilled targets [n, k] for a training batch xs [n, T, nMfcc] standardised with `norm`, and its
 * hard targets ys [n, k]; `agreement` is the share of examples whose teacher-mean top class is the
 * hard target's (a check that the teachers read the view right). Inputs are left as they are (the
 * caller disposes them).
 */
export function distilledTargetTensor(xs: tf.Tensor, ys: tf.Tensor, norm: { readonly mean: readonly number[]; readonly std: readonly number[] }, teachers: readonly Teacher[], o: DistillOptions): { targets: tf.Tensor2D; agreement: number } {
  const [n, frames, m] = xs.shape;
  const k = ys.shape[1] ?? 0;
  if (ys.shape[0] !== n || frames === undefined || m === undefined) throw new Error(`distillation: inputs ${xs.shape.join('×')}, targets ${ys.shape.join('×')}`);
  const flat = xs.dataSync();
  const dim = frames * m;
  const soft = new Float32Array(n * k);
  const chunk = 256;
  for (let b0 = 0; b0 < n; b0 += chunk) {
    const raw: Float32Array[] = [];
    for (let b = b0; b < Math.min(n, b0 + chunk); b++) {
      const x = new Float32Array(dim);
      for (let i = 0; i < dim; i++) x[i] = flat[b * dim + i] * norm.std[i % m] + norm.mean[i % m];
      raw.push(x);
    }
    teacherMean(teachers.map((t) => t.probs(raw)), o.temperature).forEach((p, i) => {
      if (p.length !== k) throw new Error(`distillation: teachers give ${p.length} classes, the student ${k}`);
      soft.set(p, (b0 + i) * k);
    });
  }
  const hard = Float32Array.from(ys.dataSync());
  const row = (a: Float32Array, i: number): Float32Array => a.subarray(i * k, (i + 1) * k);
  let agree = 0;
  for (let i = 0; i < n; i++) if (argmaxOf(row(hard, i)) === argmaxOf(row(soft, i))) agree++;
  return { targets: tf.tensor2d(distillTargets(hard, soft, o.alpha), [n, k]), agreement: n > 0 ? agree / n : 0 };
}
