// The faster training kernels must give the stock kernels' gradients.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFastKernels, unregisterFastKernels } from '../../models/fast-kernels.ts';
import { useWasmBackend } from '../../models/wasm-backend.ts';

interface Case { x: [number, number, number, number]; f: [number, number, number, number]; stride: number | [number, number]; pad: 'same' | 'valid' }
const cases: Case[] = [
  { x: [2, 9, 7, 3], f: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [3, 10, 11, 2], f: [3, 3, 2, 5], stride: 2, pad: 'same' },
  { x: [2, 8, 9, 4], f: [2, 3, 4, 3], stride: [2, 1], pad: 'valid' },
  { x: [4, 1, 16, 6], f: [1, 5, 6, 8], stride: 1, pad: 'same' }, // conv1d as the tcn runs it
];

function grads(c: Case, seed: number): { dx: Float32Array; df: Float32Array; dp: Float32Array } {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', seed) as tf.Tensor4D;
    const f = tf.randomNormal(c.f, 0, 1, 'float32', seed + 1) as tf.Tensor4D;
    const loss = (xx: tf.Tensor, ff: tf.Tensor): tf.Tensor => tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, c.pad).square().sum();
    const [dx, df] = tf.grads(loss)([x, f]);
    const pool = (xx: tf.Tensor): tf.Tensor => tf.maxPool(xx as tf.Tensor4D, 2, 2, 'same').mul(tf.randomNormal([c.x[0], Math.ceil(c.x[1] / 2), Math.ceil(c.x[2] / 2), c.x[3]], 0, 1, 'float32', seed + 2)).sum();
    const dp = tf.grad(pool)(x);
    return { dx: dx.dataSync() as Float32Array, df: df.dataSync() as Float32Array, dp: dp.dataSync() as Float32Array };
  });
}

function expectClose(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  expect(worst).toBeLessThan(1e-4);
}

describe('fast cpu kernels', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });
  afterAll(() => unregisterFastKernels());

  it.each(cases)('Conv2DBackpropFilter and MaxPoolGrad equal the stock kernels (%o)', (c) => {
    unregisterFastKernels();
    const stock = grads(c, 11);
    registerFastKernels();
    const fast = grads(c, 11);
    expectClose(fast.df, stock.df);
    expectClose(fast.dx, stock.dx);
    expectClose(fast.dp, stock.dp);
    // the gradient is not trivially zero
    expect(Math.max(...stock.df.map(Math.abs))).toBeGreaterThan(0.1);
  });
});

describe('wasm Conv2DBackpropFilter (im2col × matmul)', () => {
  it.each(cases)('equals the stock cpu kernel (%o)', async (c) => {
    await tf.setBackend('cpu');
    unregisterFastKernels();
    const stock = grads(c, 5);
    await useWasmBackend();
    const wasm = grads(c, 5);
    expectClose(wasm.df, stock.df);
    expectClose(wasm.dx, stock.dx);
    // (MaxPoolGrad on wasm is the package's own kernel, not ours: not compared here.)
  });
});
