// A few-step training run end to end on generated tones (one class per frequency): manifests →
// split → features → training → model folder → loadClassifier → predictions.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadClassifier } from '../../models/classifier.ts';
import { featuresOf } from '../../models/features.ts';
import { defaultFeatureConfig, featureConfigAt } from '../../models/feature-config.ts';
import { trainAndWrite } from '../../models/train-run.ts';
import { mix, noise, tone, writeWav } from '../helpers/signals.ts';

const FREQS: Record<string, number> = { low: 300, mid: 1200, high: 3500 };

/** 3 tone "species" × 4 tapes (each its own recorder rate) × 2 clips, and their manifest. */
function toneDataset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'train-smoke-'));
  mkdirSync(join(dir, 'clips'));
  const rows = ['path,species,tape_id'];
  let seed = 1;
  for (const [label, f] of Object.entries(FREQS)) {
    for (let tape = 0; tape < 4; tape++) {
      for (let k = 0; k < 2; k++) {
        const sr = [8000, 16000, 22050, 44100][tape]; // each tape its own recorder rate
        const x = mix(tone(f * (1 + 0.02 * k), 0.6 + 0.2 * k, sr, 0.3), noise(0.6 + 0.2 * k, sr, 0.01, seed++));
        const name = `clips/${label}-${tape}-${k}.wav`;
        writeWav(join(dir, name), x, sr);
        rows.push(`${name},${label},${label}-tape${tape}`);
      }
    }
  }
  writeFileSync(join(dir, 'manifest.csv'), rows.join('\n') + '\n');
  return dir;
}

describe('training smoke test (tones as species)', () => {
  it('trains a few epochs, writes a loadable model that tells the tones apart', async () => {
    const dir = toneDataset();
    const out = join(dir, 'model');
    const epochs: number[] = [];
    const summary = await trainAndWrite({
      manifests: [join(dir, 'manifest.csv')], arch: 'tcn', epochs: 6, patience: 6, seed: 3, batchSize: 8, learningRate: 3e-3,
      dataset: { variantsPerClip: 3, cacheDir: join(dir, 'cache') },
      out, command: 'test', skipChecks: true, onEpoch: (e) => epochs.push(e.loss), minThreshold: 0.99,
    });
    expect(epochs.length).toBeGreaterThan(1);
    // the floor holds without the checks too, and the card says what set the threshold
    expect(JSON.parse(readFileSync(join(out, 'classifier.json'), 'utf8')).threshold).toBe(0.99);
    expect(JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')).thresholdRule).toMatch(/^its floor \(--min-threshold 0\.99\), above the 0\.\d+ chosen on the validation windows and clips/);
    expect(Math.min(...epochs.slice(1))).toBeLessThan(epochs[0]); // it learned something
    for (const f of ['model.json', 'weights.bin', 'labels.json', 'feature-config.json', 'classifier.json', 'MODEL_CARD.md', 'confusion.png', 'metrics.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8'))).toEqual(['high', 'low', 'mid']);
    expect(summary.disjointTop.n).toBeGreaterThan(0);
    // temperature scaling ran on the validation examples and is recorded for the card
    const cal = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')).calibration as { temperature: number; n: number; errorBefore: number; errorAfter: number };
    expect(cal.temperature).toBeGreaterThanOrEqual(0.25);
    expect(cal.temperature).toBeLessThanOrEqual(10);
    expect(cal.n).toBeGreaterThan(0);

    const clf = await loadClassifier(out);
    try {
      expect(clf.labels).toEqual(['high', 'low', 'mid']);
      const names = Object.keys(FREQS);
      const xs = names.map((l) => featuresOf(tone(FREQS[l], 1, 32000, 0.2), 32000, defaultFeatureConfig));
      const preds = await clf.predict(xs);
      const top = preds.map((p) => clf.labels[p.probs!.indexOf(Math.max(...p.probs!))]);
      expect(top.filter((t, i) => t === names[i]).length).toBeGreaterThanOrEqual(2);
      for (const p of preds) expect(p.probs!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(clf.predictBatch(xs).map((p) => p.confidence)).toEqual(preds.map((p) => p.confidence));
    } finally {
      clf.dispose();
    }
  }, 120_000);

  it('--rhythm: the features carry the rhythm row, the saved model expects it and reads it raw', async () => {
    const dir = toneDataset();
    const out = join(dir, 'rhythm');
    const cfg = featureConfigAt(32000, true);
    await trainAndWrite({
      manifests: [join(dir, 'manifest.csv')], arch: 'tcn-cmn-stats', epochs: 8, patience: 8, seed: 3, batchSize: 8, learningRate: 3e-3, cfg,
      dataset: { variantsPerClip: 2, cacheDir: join(dir, 'cache') }, out, command: 'test', skipChecks: true, temperatureScaling: false,
    });
    expect(JSON.parse(readFileSync(join(out, 'feature-config.json'), 'utf8'))).toEqual(cfg);
    expect(readFileSync(join(out, 'MODEL_CARD.md'), 'utf8')).toContain('plus one row of envelope rhythm');
    const clf = await loadClassifier(out);
    try {
      expect(clf.featureConfig.rhythm).toBe(true);
      const names = Object.keys(FREQS);
      const xs = names.map((l) => featuresOf(tone(FREQS[l], 1, 32000, 0.2), 32000, clf.featureConfig));
      expect(xs[0]).toHaveLength((cfg.frames + 1) * cfg.nMfcc);
      const preds = clf.predictBatch(xs);
      expect(preds.filter((p, i) => clf.labels[p.probs!.indexOf(Math.max(...p.probs!))] === names[i]).length).toBeGreaterThanOrEqual(2);
      // the row reaches the statistics head: changing it alone changes the probabilities
      const moved = Float32Array.from(xs[0]);
      for (let i = cfg.frames * cfg.nMfcc; i < moved.length; i++) moved[i] += 3;
      expect(clf.predictBatch([moved])[0].probs).not.toEqual(preds[0].probs);
      // features without the row are refused, naming both shapes
      expect(() => clf.predictBatch([featuresOf(tone(300, 1, 32000, 0.2), 32000, featureConfigAt(32000))])).toThrow(/3840 values, expected 65×60 = 3900/);
    } finally {
      clf.dispose();
    }
    // only the statistics head reads the row
    await expect(trainAndWrite({ manifests: [join(dir, 'manifest.csv')], arch: 'tcn-cmn', epochs: 1, seed: 3, cfg, dataset: { variantsPerClip: 1, cacheDir: join(dir, 'cache') }, out: join(dir, 'no'), command: 'test', skipChecks: true })).rejects.toThrow(/tcn-cmn cannot read the rhythm row/);
  }, 180_000);

  it('--conv-weight scales the conv branch\'s logits once training is over, in the split model and the refit', async () => {
    const dir = toneDataset();
    const common = { manifests: [join(dir, 'manifest.csv')], arch: 'tcn-cmn-stats' as const, epochs: 2, patience: 2, seed: 3, batchSize: 8, dataset: { variantsPerClip: 2, cacheDir: join(dir, 'cache') }, command: 'test', skipChecks: true, refitAll: true, temperatureScaling: false };
    const { readSavedLayers } = await import('../../models/model-folder.ts');
    await trainAndWrite({ ...common, out: join(dir, 'w1') });
    await trainAndWrite({ ...common, out: join(dir, 'w0'), convWeight: 0.25 });
    const [a, b] = ['w1', 'w0'].map((d) => readSavedLayers(join(dir, d))!);
    expect(readFileSync(join(dir, 'w0', 'MODEL_CARD.md'), 'utf8')).toContain('Inference adds 0.25 × the conv branch\'s logits to the statistics head\'s');
    expect(readFileSync(join(dir, 'w1', 'MODEL_CARD.md'), 'utf8')).not.toContain('× the conv branch\'s logits');
    expect(b.map((l) => l.className)).toEqual(a.map((l) => l.className)); // unnamed layers' names count up per model
    a.forEach((l, i) => l.weights.forEach((w, k) => {
      const want = l.config.name === 'conv_logits' ? Float32Array.from(w.data, (v) => Math.fround(v * 0.25)) : w.data;
      expect(b[i].weights[k].data, `${String(l.config.name)} weight ${k}`).toEqual(want);
    }));
  }, 180_000);

  it('--refit-all ships a model trained on every clip for the chosen epoch count, and says so', async () => {
    const dir = toneDataset();
    const out = join(dir, 'refit');
    const logs: string[] = [];
    const summary = await trainAndWrite({
      manifests: [join(dir, 'manifest.csv')], arch: 'tcn', epochs: 4, patience: 4, seed: 3, batchSize: 8, learningRate: 3e-3,
      dataset: { variantsPerClip: 3, cacheDir: join(dir, 'cache') },
      out, command: 'test', skipChecks: true, refitAll: true, log: (m) => logs.push(m),
    });
    const card = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')) as { refit?: { clips: number; epochs: number; examples: number }; nTrainClips: number };
    expect(card.refit).toEqual({ clips: 24, epochs: summary.bestEpoch, examples: 24 * 3 });
    expect(card.nTrainClips).toBeLessThan(24); // the reported numbers are still the split model's
    expect(logs.filter((l) => l.startsWith('refit epoch'))).toHaveLength(summary.bestEpoch);
    expect(readFileSync(join(out, 'MODEL_CARD.md'), 'utf8')).toMatch(/shipped weights are a refit.*all 24 clips/);
    const clf = await loadClassifier(out);
    try {
      const names = Object.keys(FREQS);
      const preds = clf.predictBatch(names.map((l) => featuresOf(tone(FREQS[l], 1, 32000, 0.2), 32000, defaultFeatureConfig)));
      expect(preds.map((p) => clf.labels[p.probs!.indexOf(Math.max(...p.probs!))]).filter((t, i) => t === names[i]).length).toBeGreaterThanOrEqual(2);
    } finally {
      clf.dispose();
    }
  }, 120_000);

  it('a statistics-head model keeps each branch at its own best epoch, in the split run and in the refit', async () => {
    const dir = toneDataset();
    const out = join(dir, 'branches');
    const logs: string[] = [];
    const history: Array<{ conv: number; stats: number } | undefined> = [];
    const summary = await trainAndWrite({
      manifests: [join(dir, 'manifest.csv')], arch: 'tcn-cmn-stats', epochs: 5, patience: 5, seed: 3, batchSize: 8, learningRate: 3e-3,
      dataset: { variantsPerClip: 2, cacheDir: join(dir, 'cache') }, temperatureScaling: false,
      out, command: 'test', skipChecks: true, refitAll: true, log: (m) => logs.push(m), onEpoch: (e) => history.push(e.branchScores),
    });
    expect(history).toHaveLength(5);
    const h = history.map((b) => b!);
    // each branch's epoch is the first where its own score peaked
    const firstBest = (k: 'conv' | 'stats') => 1 + h.findIndex((b) => b[k] === Math.max(...h.map((x) => x[k])));
    const card = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')) as { branchEpochs: { conv: number; stats: number }; bestEpoch: number; refit: { epochs: number } };
    expect(card.branchEpochs).toEqual({ conv: firstBest('conv'), stats: firstBest('stats') });
    expect(summary.bestEpoch).toBe(Math.max(card.branchEpochs.conv, card.branchEpochs.stats));
    expect(logs.filter((l) => l.startsWith('refit epoch'))).toHaveLength(summary.bestEpoch);
    expect(readFileSync(join(out, 'MODEL_CARD.md'), 'utf8')).toContain(`conv branch ${card.branchEpochs.conv}, statistics head ${card.branchEpochs.stats}`);
    // with the option off, one checkpoint and no branch scores
    const one: Array<unknown> = [];
    await trainAndWrite({
      manifests: [join(dir, 'manifest.csv')], arch: 'tcn-cmn-stats', epochs: 2, patience: 2, seed: 3, batchSize: 8, branchCheckpoints: false,
      dataset: { variantsPerClip: 2, cacheDir: join(dir, 'cache') }, out: join(dir, 'one'), command: 'test', skipChecks: true, onEpoch: (e) => one.push(e.branchScores),
    });
    expect(one).toEqual([undefined, undefined]);
    expect(JSON.parse(readFileSync(join(dir, 'one', 'card.json'), 'utf8')).branchEpochs).toBeUndefined();
  }, 180_000);

  it('--cross-splits scores the same recipe on further split seeds, each as a run of its own would', async () => {
    const dir = toneDataset();
    const base = { manifests: [join(dir, 'manifest.csv')], arch: 'tcn' as const, epochs: 2, patience: 2, initSeed: 3, batchSize: 8, learningRate: 3e-3, dataset: { variantsPerClip: 2, cacheDir: join(dir, 'cache') }, command: 'test', skipChecks: true };
    const logs: string[] = [];
    const summary = await trainAndWrite({ ...base, seed: 3, crossSplits: 2, out: join(dir, 'cv'), log: (m) => logs.push(m) });
    const alone = await trainAndWrite({ ...base, seed: 4, out: join(dir, 'seed4') });
    expect(summary.crossSplits?.map((r) => r.seed)).toEqual([3, 4]);
    expect(summary.crossSplits![0]).toEqual({ seed: 3, n: summary.disjointTop.n, accuracy: summary.disjointTop.accuracy, macroF1: summary.disjointTop.macro_f1 });
    expect(summary.crossSplits![1]).toEqual({ seed: 4, n: alone.disjointTop.n, accuracy: alone.disjointTop.accuracy, macroF1: alone.disjointTop.macro_f1 });
    expect(logs.some((l) => l.startsWith('cross-splits: split seed 4'))).toBe(true);
    expect(readFileSync(join(dir, 'cv', 'MODEL_CARD.md'), 'utf8')).toContain('## Across splits');
    expect(alone.crossSplits).toBeUndefined();
    // the two split seeds hold out different tapes: the rows are two draws, not one twice
    const heldOut = (d: string) => JSON.stringify((JSON.parse(readFileSync(join(dir, d, 'card.json'), 'utf8')) as { groupsPerSpecies: Record<string, { val: string[] }> }).groupsPerSpecies);
    expect(heldOut('cv')).not.toEqual(heldOut('seed4'));
  }, 180_000);

  it('adds synthetic fault-signal background only where the data has a background class', async () => {
    const dir = toneDataset();
    mkdirSync(join(dir, 'bg'));
    writeWav(join(dir, 'bg', 'sea.wav'), noise(20, 8000, 0.02, 99), 8000);
    const counts = async (extra: number, withBg: boolean): Promise<Record<string, number>> => {
      const out = join(dir, `m-${extra}-${withBg}`);
      await trainAndWrite({
        manifests: [join(dir, 'manifest.csv')], arch: 'tcn', epochs: 1, patience: 1, seed: 3, batchSize: 8,
        ...(withBg ? { background: [join(dir, 'bg')] } : {}), syntheticBackground: extra,
        dataset: { variantsPerClip: 2, cacheDir: join(dir, 'cache') }, out, command: 'test', skipChecks: true,
      });
      return (JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')) as { trainCounts: Record<string, number> }).trainCounts;
    };
    const none = await counts(0, true), seven = await counts(7, true);
    expect(none.background).toBeGreaterThan(0); // windows of the recording
    expect(seven.background).toBe(none.background + 7);
    expect((await counts(7, false)).background).toBeUndefined(); // species clips alone: no background class appears
  }, 120_000);

  it('the same data at two install paths trains the same weights (seeds come from paths relative to the data, not absolute ones)', async () => {
    const weightsAt = async (dir: string, rename = false): Promise<Buffer> => {
      mkdirSync(join(dir, 'bg'));
      writeWav(join(dir, 'bg', 'sea.wav'), noise(20, 8000, 0.02, 99), 8000);
      if (rename) {
        // the same file under another name inside the data: its augmentation draws must change
        const rows = readFileSync(join(dir, 'manifest.csv'), 'utf8').replace('clips/low-0-0.wav', 'clips/low-0-0b.wav');
        writeFileSync(join(dir, 'manifest.csv'), rows);
        writeFileSync(join(dir, 'clips', 'low-0-0b.wav'), readFileSync(join(dir, 'clips', 'low-0-0.wav')));
      }
      const out = join(dir, 'model');
      await trainAndWrite({
        manifests: [join(dir, 'manifest.csv')], arch: 'tcn-cmn-stats', epochs: 2, patience: 2, seed: 3, batchSize: 8,
        background: [join(dir, 'bg')], dataset: { variantsPerClip: 2, cacheDir: join(dir, 'cache') }, out, command: 'test', skipChecks: true,
      });
      return readFileSync(join(out, 'weights.bin'));
    };
    const a = await weightsAt(toneDataset()), b = await weightsAt(toneDataset());
    expect(a.length).toBeGreaterThan(0);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(await weightsAt(toneDataset(), true))).toBe(false);
  }, 180_000);
});
