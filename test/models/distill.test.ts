// Distillation targets (models/distill.ts): α·hard + (1 − α)·mean teacher probabilities, teachers
// fed the student's augmented view as raw features, and the checks that keep a teacher that does
// not fit (other labels, other features, another split, a refit) from teaching.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDistillOptions, checkTeacherCard, checkTeachers, distilledTargetTensor, distillTargets, soften, teacherMean, type Teacher } from '../../models/distill.ts';
import { featureConfigAt } from '../../models/feature-config.ts';
import { checkDistillUse, type TrainOptions } from '../../models/train.ts';
import { useWasmBackend } from '../../models/wasm-backend.ts';

const cfg = featureConfigAt(32000);
const labels = ['a', 'b', 'background'];

/** A teacher answering fixed probabilities per call, recording the inputs it was given. */
function fakeTeacher(answer: (x: Float32Array) => number[], over: Partial<Teacher> = {}): Teacher & { seen: Float32Array[] } {
  const seen: Float32Array[] = [];
  return {
    name: 'fake', labels, featureConfig: cfg, seen,
    probs: (batch) => batch.map((x) => { seen.push(x); return Float32Array.from(answer(x)); }),
    dispose: () => {},
    ...over,
  };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 6);
};

describe('distillation targets', () => {
  const hard = Float32Array.from([1, 0, 0, 0, 1, 0]);
  const soft = Float32Array.from([0.5, 0.3, 0.2, 0.1, 0.6, 0.3]);

  it('are the hard targets at α = 1, the teachers at α = 0, and the blend between', () => {
    close(distillTargets(hard, soft, 1), hard);
    close(distillTargets(hard, soft, 0), soft);
    close(distillTargets(hard, soft, 0.5), [0.75, 0.15, 0.1, 0.05, 0.8, 0.15]);
    expect(() => distillTargets(hard, soft.subarray(0, 3), 0.5)).toThrow(/3 teacher values/);
  });

  it('average the teachers, example by example', () => {
    const t1 = [Float32Array.from([1, 0, 0]), Float32Array.from([0, 1, 0])];
    const t2 = [Float32Array.from([0, 0, 1]), Float32Array.from([0, 0.5, 0.5])];
    const m = teacherMean([t1, t2], 1);
    close(m[0], [0.5, 0, 0.5]);
    close(m[1], [0, 0.75, 0.25]);
    expect(() => teacherMean([t1, t2.slice(1)], 1)).toThrow(/2 \/ 1 examples/);
    expect(() => teacherMean([], 1)).toThrow(/no teachers/);
  });

  it('temperature 1 leaves probabilities alone; higher flattens them and keeps their order', () => {
    const p = Float32Array.from([0.7, 0.2, 0.1]);
    close(soften(p, 1), p);
    const s = soften(p, 2); // softmax(z/2) ∝ √p
    const r = [0.7, 0.2, 0.1].map(Math.sqrt), sum = r.reduce((a, b) => a + b, 0);
    close(s, r.map((v) => v / sum));
    expect(s[0]).toBeLessThan(p[0]);
    expect(s[0]).toBeGreaterThan(s[1]);
    expect(() => checkDistillOptions({ alpha: 1.5, temperature: 1 })).toThrow(/alpha/);
    expect(() => checkDistillOptions({ alpha: 0.5, temperature: 0 })).toThrow(/temperature/);
  });
});

describe('distilled target tensor', () => {
  beforeAll(() => useWasmBackend());
  it('shows teachers the raw features of the student\'s standardised view and blends their mean', () => {
    const dim = cfg.frames * cfg.nMfcc;
    const norm = { mean: Array.from({ length: cfg.nMfcc }, (_, j) => j - 30), std: Array.from({ length: cfg.nMfcc }, (_, j) => 1 + j / 10) };
    const raw = [0, 1].map((b) => Float32Array.from({ length: dim }, (_, i) => Math.sin(i + 7 * b) * 20 + (i % cfg.nMfcc)));
    const std = raw.map((x) => Float32Array.from(x, (v, i) => (v - norm.mean[i % cfg.nMfcc]) / norm.std[i % cfg.nMfcc]));
    const xs = tf.tensor3d(Float32Array.from([...std[0], ...std[1]]), [2, cfg.frames, cfg.nMfcc]);
    const ys = tf.tensor2d([[1, 0, 0], [0, 1, 0]]);
    const t1 = fakeTeacher(() => [0.2, 0.6, 0.2]);
    const t2 = fakeTeacher(() => [0.4, 0.4, 0.2]);
    const { targets: out, agreement } = distilledTargetTensor(xs, ys, norm, [t1, t2], { alpha: 0.25, temperature: 1 });
    expect(agreement).toBe(0.5); // teacher mean says b: right for the second example only
    expect(out.shape).toEqual([2, 3]);
    // mean teacher [0.3, 0.5, 0.2]; 0.25·hard + 0.75·mean
    close(out.dataSync(), [0.475, 0.375, 0.15, 0.225, 0.625, 0.15]);
    expect(t1.seen.length).toBe(2);
    for (let b = 0; b < 2; b++) for (let i = 0; i < dim; i += 97) expect(t1.seen[b][i]).toBeCloseTo(raw[b][i], 3);
    xs.dispose(); ys.dispose(); out.dispose();
  });
});

describe('teachers that do not fit are refused', () => {
  it('other labels or label order, other feature config', () => {
    expect(() => checkTeachers([fakeTeacher(() => [1, 0, 0])], labels, cfg)).not.toThrow();
    expect(() => checkTeachers([fakeTeacher(() => [1, 0, 0], { labels: ['b', 'a', 'background'] })], labels, cfg)).toThrow(/same classes in the same order/);
    expect(() => checkTeachers([fakeTeacher(() => [1, 0], { labels: ['a', 'background'] })], labels, cfg)).toThrow(/labels/);
    expect(() => checkTeachers([fakeTeacher(() => [1, 0, 0], { featureConfig: featureConfigAt(16000) })], labels, cfg)).toThrow(/sampleRate: 16000 ≠ 32000/);
    expect(() => checkTeachers([], labels, cfg)).toThrow(/no teachers/);
  });

  it('a teacher from another split or a refit teaching a split run; a split model teaching a refit', () => {
    expect(() => checkTeacherCard('t', { seed: 2 }, { seed: 2, refit: false })).not.toThrow();
    expect(() => checkTeacherCard('t', null, { seed: 2, refit: false })).not.toThrow();
    expect(() => checkTeacherCard('t', { seed: 1 }, { seed: 2, refit: false })).toThrow(/split seed 1/);
    expect(() => checkTeacherCard('t', { seed: 2, refit: { clips: 418 } }, { seed: 2, refit: false })).toThrow(/is a refit/);
    expect(() => checkTeacherCard('t', { seed: 1 }, { seed: 1, refit: true })).toThrow(/not a refit/);
    expect(() => checkTeacherCard('t', { seed: 1, refit: { clips: 418 } }, { seed: 1, refit: true })).not.toThrow();
  });

  it('option combinations that cannot be meant', () => {
    const base: TrainOptions = { manifests: [], arch: 'tcn', epochs: 1, seed: 1 };
    expect(checkDistillUse(base)).toBeNull();
    expect(checkDistillUse({ ...base, teachers: ['t'] })).toEqual({ alpha: 0.5, temperature: 1 });
    expect(() => checkDistillUse({ ...base, distillAlpha: 0.3 })).toThrow(/need at least one --teacher/);
    expect(() => checkDistillUse({ ...base, teachers: ['t'], refitAll: true })).toThrow(/needs --refit-teacher/);
    expect(() => checkDistillUse({ ...base, teachers: ['t'], refitTeachers: ['r'] })).toThrow(/only used with --refit-all/);
    expect(() => checkDistillUse({ ...base, refitTeachers: ['r'], refitAll: true })).toThrow(/needs --teacher/);
    expect(() => checkDistillUse({ ...base, teachers: ['t'], distillAlpha: 2 })).toThrow(/alpha/);
  });
});
