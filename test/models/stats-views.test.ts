// --stats-views whole: the statistics head learns from whole clips and continuous-recording
// windows only. Which views are clip windows, the mask made of them, and that a zeroed target
// copy gives the statistics head no gradient while the conv branch still learns.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArch, trainingView } from '../../models/architectures.ts';
import { clipTrainExamples, defaultDatasetOptions, type Example } from '../../models/dataset.ts';
import { featureConfigAt } from '../../models/feature-config.ts';
import { statsViewMask } from '../../models/train.ts';
import { useWasmBackend } from '../../models/wasm-backend.ts';
import { initDsp } from '../../streams/dsp/fft.ts';
import { mix, noise, tone, writeWav } from '../helpers/signals.ts';

beforeAll(async () => { await useWasmBackend(); await initDsp(); });

describe('statistics-head views', () => {
  it('a clip\'s views 0 and 4 are the whole clip, the rest sliding windows, fresh and from the cache alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stats-views-'));
    const path = join(dir, 'a.wav');
    writeWav(path, mix(tone(800, 0.8, 16000, 0.3), noise(0.8, 16000, 0.01, 3)), 16000);
    const o = { ...defaultDatasetOptions(featureConfigAt(16000), 5), cacheDir: join(dir, 'cache') };
    const clip = { path, species: 'a', group: 't', manifest: join(dir, 'manifest.csv'), key: 'a.wav' };
    for (let pass = 0; pass < 2; pass++) {
      const ex = await clipTrainExamples(clip, o, () => null);
      expect(ex.map((e) => e.clipWindow === true)).toEqual([false, true, true, true, false, true, true, true]);
    }
  });

  it('the mask is 0 on clip windows, 1 elsewhere, and only for a model with two heads', () => {
    const ex = [{ clipWindow: true }, {}, { clipWindow: false }].map((e) => ({ x: new Float32Array(1), label: 'a', source: 's', ...e })) as Example[];
    expect(statsViewMask(ex, 'all', 2)).toBeNull();
    const m = statsViewMask(ex, 'whole', 2)!;
    expect(Array.from(m.dataSync())).toEqual([0, 1, 1]);
    m.dispose();
    expect(() => statsViewMask(ex, 'whole', 1)).toThrow(/separate losses/);
  });

  it('a share keeps that share of the clip windows (seeded), every other view, and 0 is the default', () => {
    const ex = Array.from({ length: 4000 }, (_, i) => ({ x: new Float32Array(1), label: 'a', source: 's', ...(i % 4 ? { clipWindow: true } : {}) })) as Example[];
    const at = (v: number | 'whole'): number[] => { const m = statsViewMask(ex, v, 2)!; const d = Array.from(m.dataSync()); m.dispose(); return d; };
    const half = at(0.5);
    expect(half.filter((v, i) => i % 4 === 0).every((v) => v === 1)).toBe(true); // whole views always
    const kept = half.filter((v, i) => i % 4 !== 0).reduce((a, b) => a + b, 0) / 3000;
    expect(Math.abs(kept - 0.5)).toBeLessThan(0.04);
    expect(at(0.5)).toEqual(half); // the same draw every time
    expect(at(0)).toEqual(at('whole'));
    expect(statsViewMask(ex, 1, 2)).toBeNull();
    expect(() => statsViewMask(ex, 1.5, 2)).toThrow(/from 0 to 1/);
  });

  it('a zeroed statistics copy of the target gives the statistics head no gradient, the conv branch still one', () => {
    const model = buildArch('tcn-cmn-stats', { frames: 16, nMfcc: 6, nClasses: 3, seed: 4 });
    const view = trainingView(model).model;
    const x = tf.randomNormal([4, 16, 6], 0, 1, 'float32', 2);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
    const grad = (target: tf.Tensor, layer: string): number => {
      const k = view.getLayer(layer).trainableWeights[0].read() as tf.Variable;
      const { grads } = tf.variableGrads(() => tf.mean(tf.metrics.categoricalCrossentropy(target, view.apply(x, { training: false }) as tf.Tensor)) as tf.Scalar, [k]);
      const g = tf.abs(grads[k.name]).max().dataSync()[0];
      Object.values(grads).forEach((t) => t.dispose());
      return g;
    };
    const masked = tf.concat([y, tf.zerosLike(y)], 1);
    expect(grad(masked, 'stats_logits')).toBe(0);
    expect(grad(masked, 'conv_logits')).toBeGreaterThan(0);
    expect(grad(tf.concat([y, y], 1), 'stats_logits')).toBeGreaterThan(0);
  });
});
