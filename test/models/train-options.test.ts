// The --mixup and --init-seed training options on a tiny tone dataset: off by default and then
// bit-for-bit the old behaviour; on, they change training and nothing else (split, examples).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveClassifier } from '../../models/model-io.ts';
import { channelOffsets, train, type TrainOptions } from '../../models/train.ts';
import { seededRandom } from '../../models/random.ts';
import { mix, noise, tone, writeWav } from '../helpers/signals.ts';

function toneManifest(): string {
  const dir = mkdtempSync(join(tmpdir(), 'train-options-'));
  mkdirSync(join(dir, 'clips'));
  const rows = ['path,species,tape_id'];
  let seed = 1;
  for (const [label, f] of [['low', 300], ['high', 2500]] as const) {
    for (let tape = 0; tape < 3; tape++) {
      for (let k = 0; k < 2; k++) {
        const sr = [8000, 16000, 22050][tape];
        const name = `clips/${label}-${tape}-${k}.wav`;
        writeWav(join(dir, name), mix(tone(f * (1 + 0.03 * k), 0.5, sr, 0.3), noise(0.5, sr, 0.01, seed++)), sr);
        rows.push(`${name},${label},${label}-tape${tape}`);
      }
    }
  }
  writeFileSync(join(dir, 'manifest.csv'), rows.join('\n') + '\n');
  return dir;
}

/** Two short epochs over the tone manifest in `dir`. */
const baseOptions = (dir: string): TrainOptions => ({
  manifests: [join(dir, 'manifest.csv')], arch: 'tcn', epochs: 2, patience: 2, seed: 4, batchSize: 8,
  dataset: { variantsPerClip: 2, cacheDir: join(dir, 'cache') },
});

describe('training options: mixup and init seed', () => {
  it('mixup 0 is the default; mixup > 0 and another init seed change the training, not the split or examples', async () => {
    const dir = toneManifest();
    const base = baseOptions(dir);
    const run = async (o: Partial<TrainOptions>) => {
      const r = await train({ ...base, ...o });
      const out = { loss: r.history.map((h) => h.loss), val: r.split.val.map((c) => c.path), nTrain: r.nTrain, w: Array.from(r.model.getWeights()[0].dataSync()).slice(0, 8) };
      r.model.dispose();
      return out;
    };
    const dflt = await run({});
    const off = await run({ mixup: 0 });
    const mixed = await run({ mixup: 0.4 });
    const other = await run({ initSeed: 99 });
    expect(off).toEqual(dflt); // losses and trained weights identical
    expect(mixed.val).toEqual(dflt.val);
    expect(mixed.nTrain).toBe(dflt.nTrain);
    expect(mixed.loss).not.toEqual(dflt.loss);
    expect(other.val).toEqual(dflt.val);
    expect(other.nTrain).toBe(dflt.nTrain);
    expect(other.loss).not.toEqual(dflt.loss);
    expect(other.w).not.toEqual(dflt.w);
    for (const l of [...mixed.loss, ...other.loss]) expect(Number.isFinite(l)).toBe(true);
  }, 120_000);
});

describe('training option: distillation from saved teachers', () => {
  it('α = 1 trains exactly as without teachers; α = 0 learns from them; a teacher with other labels is refused', async () => {
    const dir = toneManifest();
    const base = baseOptions(dir);
    const t = await train({ ...base, initSeed: 7 });
    const teacher = join(dir, 'teacher');
    await saveClassifier(teacher, { model: t.model, labels: t.labels, featureConfig: t.cfg, meta: { name: 'teacher', arch: 'tcn', threshold: 0.5, norm: t.norm, params: t.model.countParams(), trainedAt: '', command: '', seed: 4 } });
    t.model.dispose();
    const run = async (o: Partial<TrainOptions>) => {
      const r = await train({ ...base, ...o });
      const out = { loss: r.history.map((h) => h.loss), val: r.split.val.map((c) => c.path), nTrain: r.nTrain };
      r.model.dispose();
      return out;
    };
    const plain = await run({});
    const hardOnly = await run({ teachers: [teacher], distillAlpha: 1 });
    const soft = await run({ teachers: [teacher, teacher], distillAlpha: 0 });
    expect(hardOnly).toEqual(plain);
    expect(soft.val).toEqual(plain.val);
    expect(soft.nTrain).toBe(plain.nTrain);
    expect(soft.loss).not.toEqual(plain.loss);
    for (const l of soft.loss) expect(Number.isFinite(l)).toBe(true);

    const swapped = join(dir, 'swapped');
    cpSync(teacher, swapped, { recursive: true });
    const labels = JSON.parse(readFileSync(join(teacher, 'labels.json'), 'utf8')) as string[];
    writeFileSync(join(swapped, 'labels.json'), JSON.stringify([...labels].reverse()));
    await expect(train({ ...base, teachers: [teacher, swapped] })).rejects.toThrow(/same classes in the same order/);
  }, 180_000);
});

describe('training option: size of the random recorder response', () => {
  it('draws N(0, (dB/k)²) dB on cepstral coefficients 1–6 only, scaling one random stream', () => {
    const nMels = 64, nMfcc = 20, n = 20000, std = Array.from({ length: nMfcc }, (_, k) => 1 + k); // per-coefficient normalisation
    const at = (db: number) => channelOffsets(n, nMels, nMfcc, std, seededRandom(5), db);
    const four = at(4), eight = at(8), zero = at(0);
    expect(Array.from(eight)).toEqual(Array.from(four, (v) => 2 * v)); // same draws, twice the size
    expect(zero.every((v) => v === 0)).toBe(true);
    expect(Array.from(four)).toEqual(Array.from(channelOffsets(n, nMels, nMfcc, std, seededRandom(5)))); // 4 dB is the default
    for (let k = 0; k < nMfcc; k++) {
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (four[i * nMfcc + k] * std[k]) ** 2;
      const sd = Math.sqrt(ss / n), want = k >= 1 && k <= 6 ? (4 / k) * Math.sqrt(nMels / 2) : 0;
      if (want === 0) expect(sd).toBe(0);
      else expect(Math.abs(sd / want - 1)).toBeLessThan(0.03);
    }
  });
  it('a larger response changes training and nothing else (split, examples)', async () => {
    const dir = toneManifest();
    const base = baseOptions(dir);
    const run = async (o: Partial<TrainOptions>) => {
      const r = await train({ ...base, ...o });
      const out = { loss: r.history.map((h) => h.loss), val: r.split.val.map((c) => c.path), nTrain: r.nTrain };
      r.model.dispose();
      return out;
    };
    const dflt = await run({}), four = await run({ recorderResponseDb: 4 }), twelve = await run({ recorderResponseDb: 12 });
    expect(four).toEqual(dflt);
    expect(twelve.val).toEqual(dflt.val);
    expect(twelve.nTrain).toBe(dflt.nTrain);
    expect(twelve.loss).not.toEqual(dflt.loss);
  }, 120_000);
});
