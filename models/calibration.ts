// Temperature scaling: one number T that divides every logit, fitted on validation examples so
// that the top probability means what it says (a window named at 0.7 is right about 70 % of the
// time). Models trained on few tapes are overconfident on new ones: on the tape-disjoint clips the
// split models' best T was 1.2–4.2. The top label never changes; only how sure it sounds.
// No tfjs here: the model side (scaling the output layers' weights) is architectures.ts scaleLogits.
import { argmaxOf } from './clip-aggregate.ts';

/** p^(1/T), renormalised: softmax(z/T) computed from softmax(z) (the per-example constant cancels). */
export function withTemperature(p: ArrayLike<number>, T: number): Float32Array {
  const z = Array.from(p, (v) => Math.log(Math.max(v, 1e-30)) / T);
  const m = Math.max(...z);
  let s = 0;
  const out = new Float32Array(z.length);
  for (let j = 0; j < z.length; j++) { out[j] = Math.exp(z[j] - m); s += out[j]; }
  for (let j = 0; j < z.length; j++) out[j] /= s;
  return out;
}

/** Mean negative log-likelihood of the true classes. */
export function meanNll(probs: readonly ArrayLike<number>[], truth: readonly number[]): number {
  let t = 0;
  probs.forEach((p, i) => { t -= Math.log(Math.max(p[truth[i]], 1e-30)); });
  return t / Math.max(1, probs.length);
}

/** The T in [0.25, 10] (steps of 0.05) with the lowest mean NLL; 1 when there is nothing to fit on. */
export function fitTemperature(probs: readonly ArrayLike<number>[], truth: readonly number[]): number {
  if (probs.length === 0) return 1;
  let best = 1, bestNll = meanNll(probs, truth);
  for (let T = 0.25; T <= 10.0001; T += 0.05) {
    const nll = meanNll(probs.map((p) => withTemperature(p, T)), truth);
    if (nll < bestNll - 1e-12) { bestNll = nll; best = Math.round(T * 100) / 100; }
  }
  return best;
}

/** Expected calibration error over `bins` equal bins of top probability: Σ |confidence − accuracy| · share. */
export function calibrationError(probs: readonly ArrayLike<number>[], truth: readonly number[], bins = 10): number {
  const n = new Array<number>(bins).fill(0), conf = new Array<number>(bins).fill(0), right = new Array<number>(bins).fill(0);
  probs.forEach((p, i) => {
    const top = argmaxOf(p);
    const b = Math.min(bins - 1, Math.floor(p[top] * bins));
    n[b]++; conf[b] += p[top]; right[b] += top === truth[i] ? 1 : 0;
  });
  return n.reduce((t, k, b) => t + Math.abs(conf[b] - right[b]), 0) / Math.max(1, probs.length);
}

export interface TemperatureChoice {
  /** The temperature to apply (1: none). */
  readonly temperature: number;
  /** The log-likelihood fit, applied or not. */
  readonly fitted: number;
  /** Calibration error of the examples as they are, and with the fitted temperature. */
  readonly errorBefore: number;
  readonly errorFitted: number;
}

/**
 * The log-likelihood temperature, kept only when it also lowers the calibration error. A few
 * confidently wrong examples can make the likelihood prefer softer probabilities that are further,
 * bin by bin, from how often the top label is right; the card promises the latter.
 */
export function chooseTemperature(probs: readonly ArrayLike<number>[], truth: readonly number[]): TemperatureChoice {
  const fitted = fitTemperature(probs, truth);
  const errorBefore = calibrationError(probs, truth);
  const errorFitted = fitted === 1 ? errorBefore : calibrationError(probs.map((p) => withTemperature(p, fitted)), truth);
  return { temperature: errorFitted < errorBefore ? fitted : 1, fitted, errorBefore, errorFitted };
}

/** What a model card records of the temperature (card.json). */
export interface Calibration {
  readonly temperature: number;
  readonly errorBefore: number;
  /** Calibration error at the applied temperature. */
  readonly errorAfter: number;
  readonly n: number;
  /** A log-likelihood temperature that was not applied because it raised the calibration error. */
  readonly declined?: { readonly temperature: number; readonly error: number };
}
