// The fused inference path must give the layers graph's probabilities.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildArch, type ArchName } from '../../models/architectures.ts';
import { tcnForward } from '../../models/fast-forward.ts';
import { useWasmBackend } from '../../models/wasm-backend.ts';

describe('tcnForward', () => {
  it.each(['tcn', 'tcn-cmn', 'tcn-cmn-lite', 'tcn-cmn-slim', 'tcn-cmn-stats'] as ArchName[])('matches model.apply for %s after some training (batch-norm statistics moved)', async (arch) => {
    await useWasmBackend();
    const model = buildArch(arch, { frames: 16, nMfcc: 12, nClasses: 4, seed: 2 });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const x = tf.add(tf.mul(tf.randomNormal([24, 16, 12], 0, 1, 'float32', 5), 3), 1) as tf.Tensor3D;
    const y = tf.oneHot(tf.tensor1d([...Array(24).keys()].map((i) => i % 4), 'int32'), 4);
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const fast = tcnForward(model);
    expect(fast).not.toBeNull();
    const a = (model.apply(x, { training: false }) as tf.Tensor).dataSync();
    const b = fast!.forward(x).dataSync();
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-4);
    fast!.dispose();
    // With the training standardisation folded in, raw features give the same probabilities.
    const mean = Array.from({ length: 12 }, (_, j) => 40 - 7 * j), std = Array.from({ length: 12 }, (_, j) => 2 + j);
    const raw = tf.add(tf.mul(x, tf.tensor1d(std)), tf.tensor1d(mean)) as tf.Tensor3D;
    const folded = tcnForward(model, { mean, std })!;
    const c = folded.forward(raw).dataSync();
    worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - c[i]));
    expect(worst).toBeLessThan(1e-4);
    folded.dispose();
  });
  it('matches model.apply for tcn-cmn-stats with the rhythm row, which it reads raw', async () => {
    await useWasmBackend();
    const model = buildArch('tcn-cmn-stats', { frames: 16, nMfcc: 12, nClasses: 4, seed: 2, rhythm: true });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const x = tf.add(tf.mul(tf.randomNormal([24, 17, 12], 0, 1, 'float32', 5), 3), 1) as tf.Tensor3D;
    const y = tf.oneHot(tf.tensor1d([...Array(24).keys()].map((i) => i % 4), 'int32'), 4);
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const a = (model.apply(x, { training: false }) as tf.Tensor).dataSync();
    // the standardisation applies to the 16 frames only: raw features keep the row as it is
    const mean = Array.from({ length: 12 }, (_, j) => 40 - 7 * j), std = Array.from({ length: 12 }, (_, j) => 2 + j);
    const frames = tf.add(tf.mul(x.slice([0, 0, 0], [-1, 16, -1]), tf.tensor1d(std)), tf.tensor1d(mean));
    const raw = tf.concat([frames, x.slice([0, 16, 0], [-1, 1, -1])], 1) as tf.Tensor3D;
    const folded = tcnForward(model, { mean, std });
    expect(folded).not.toBeNull();
    const c = folded!.forward(raw).dataSync();
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - c[i]));
    expect(worst).toBeLessThan(1e-4);
    // and the row matters: moving it moves the probabilities
    const moved = folded!.forward(tf.concat([frames, tf.add(x.slice([0, 16, 0], [-1, 1, -1]), 2)], 1) as tf.Tensor3D).dataSync();
    expect(Math.max(...Array.from(moved, (v, i) => Math.abs(v - c[i])))).toBeGreaterThan(1e-3);
    folded!.dispose();
  });

  it('declines other architectures', async () => {
    await useWasmBackend();
    expect(tcnForward(buildArch('seed-cnn', { frames: 16, nMfcc: 12, nClasses: 3, seed: 1 }))).toBeNull();
    expect(tcnForward(buildArch('dense-baseline', { frames: 16, nMfcc: 12, nClasses: 3, seed: 1 }))).toBeNull();
  });
});
