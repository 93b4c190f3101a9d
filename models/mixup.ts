// Mixup (Zhang et al. 2018): each training example is blended with another example of the same
// epoch, features and one-hot targets alike, x = λ·xᵢ + (1 − λ)·xⱼ, y = λ·yᵢ + (1 − λ)·yⱼ with
// λ ~ Beta(α, α). Small α (0.2–0.4) keeps most λ near 0 or 1: mostly one call with a faint second
// one, and soft targets that say so. All draws come from a seeded generator.
import * as tf from '@tensorflow/tfjs';
import { gaussian } from './random.ts';

/** Gamma(shape, 1) sample (Marsaglia–Tsang; shape < 1 through Gamma(shape + 1)·U^(1/shape)). */
export function sampleGamma(shape: number, r: () => number): number {
  if (!(shape > 0)) throw new Error(`gamma: shape must be > 0, got ${shape}`);
  if (shape < 1) {
    const u = 1 - r(); // (0, 1]
    return sampleGamma(shape + 1, r) * u ** (1 / shape);
  }
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do { x = gaussian(r); v = 1 + c * x; } while (v <= 0);
    v = v * v * v;
    const u = 1 - r();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) sample in [0, 1] from two gamma draws. */
export function sampleBeta(a: number, b: number, r: () => number): number {
  const x = sampleGamma(a, r), y = sampleGamma(b, r);
  return x + y > 0 ? x / (x + y) : 0.5;
}

export interface MixupPlan {
  /** Example i is mixed with example partner[i] (a random permutation of 0…n−1). */
  readonly partner: Int32Array;
  /** Weight of example i itself, λᵢ ~ Beta(α, α). */
  readonly lambda: Float32Array;
}

/** Partners and weights for n examples. */
export function mixupPlan(n: number, alpha: number, r: () => number): MixupPlan {
  if (!(alpha > 0)) throw new Error(`mixup: alpha must be > 0, got ${alpha}`);
  const partner = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = partner[i]; partner[i] = partner[j]; partner[j] = t;
  }
  const lambda = Float32Array.from({ length: n }, () => sampleBeta(alpha, alpha, r));
  return { partner, lambda };
}

/**
 * Mixed copies of a batch: xs [n, …] and ys [n, k] → λ·row i + (1 − λ)·row partner[i] for each i.
 * The inputs are left as they are (the caller disposes them).
 */
export function mixupTensors(xs: tf.Tensor, ys: tf.Tensor, plan: MixupPlan): { x: tf.Tensor; y: tf.Tensor } {
  const n = xs.shape[0];
  if (ys.shape[0] !== n || plan.partner.length !== n || plan.lambda.length !== n) {
    throw new Error(`mixup: ${n} inputs, ${ys.shape[0]} targets, plan for ${plan.partner.length}`);
  }
  return tf.tidy(() => {
    const idx = tf.tensor1d(plan.partner, 'int32');
    const mix = (t: tf.Tensor): tf.Tensor => {
      const shape = [n, ...t.shape.slice(1).map(() => 1)];
      const lam = tf.tensor(plan.lambda, shape);
      return t.mul(lam).add(tf.gather(t, idx).mul(tf.scalar(1).sub(lam)));
    };
    return { x: mix(xs), y: mix(ys) };
  });
}
