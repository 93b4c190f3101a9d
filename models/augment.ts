// Waveform and feature augmentation that removes what a recorder, a gain setting or a noisy sea
// could teach the model instead of the animal: level, added ocean noise at random SNR, the band
// limit of a low-rate recorder, where the call sits in the window, and short dropouts in time.
import { toRate } from './audio.ts';
import { gaussian, uniform } from './random.ts';

/**
 * Draws `n` samples of ocean noise at the analysis rate, or null when there is none. `bandRate`:
 * the view is being recorded by a recorder of that rate, so the noise must not reach above its
 * Nyquist either (a slow recorder hears the call and the sea through the same filter).
 */
export type NoiseSource = (n: number, r: () => number, bandRate?: number) => Float32Array | null;

export function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

/** x + noise scaled so that rms(x)/rms(noise) is `snrDb` (in place on a copy). */
export function mixAtSnr(x: Float32Array, noise: Float32Array, snrDb: number): Float32Array {
  const out = Float32Array.from(x);
  const px = rms(x), pn = rms(noise);
  if (pn === 0 || px === 0) return out;
  const k = px / (pn * 10 ** (snrDb / 20));
  for (let i = 0; i < out.length; i++) out[i] += k * noise[i % noise.length];
  return out;
}

export function whiteNoise(n: number, r: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = gaussian(r);
  return out;
}

/** Simulates a recorder of lower rate: down to `rate` and back up (removes the band above). */
export function bandLimit(x: Float32Array, sr: number, rate: number): Float32Array {
  if (rate >= sr) return x;
  return toRate(toRate(x, sr, rate), rate, sr).subarray(0, x.length);
}

export function scale(x: Float32Array, gainDb: number): Float32Array {
  const k = 10 ** (gainDb / 20);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * k;
  return out;
}

/**
 * Puts a short clip at a random place in a `len`-sample window of background noise (real if the
 * source gives it, else white) at a random SNR — what a sliding window around a call looks like.
 */
export function embed(x: Float32Array, len: number, r: () => number, noise: NoiseSource, snrDb: number): Float32Array {
  if (x.length >= len) {
    const off = Math.floor(r() * (x.length - len + 1));
    return x.slice(off, off + len);
  }
  const bg = noise(len, r) ?? whiteNoise(len, r);
  const px = rms(x), pn = rms(bg);
  const k = pn > 0 && px > 0 ? px / (pn * 10 ** (snrDb / 20)) : 0;
  const out = new Float32Array(len);
  for (let i = 0; i < len; i++) out[i] = k * bg[i];
  const off = Math.floor(r() * (len - x.length + 1));
  for (let i = 0; i < x.length; i++) out[off + i] += x[i];
  return out;
}

export interface WaveAugmentOptions {
  readonly sampleRate: number;
  readonly noise: NoiseSource;
  /** Probability of simulating a low-rate recorder. */
  readonly pBandLimit: number;
  readonly pNoise: number;
}

/** Recorder rates a training view may be band-limited to: those below the analysis rate. */
export function bandLimitRates(sampleRate: number): number[] {
  return [2000, 4000, 6000, 8000, 11025, 16000, 22050].filter((f) => f < sampleRate);
}

/** The random waveform chain applied to every training example. */
export function augmentWave(x: Float32Array, r: () => number, o: WaveAugmentOptions): Float32Array {
  let y = x;
  let rate: number | undefined;
  if (r() < o.pBandLimit) {
    // Recorders slower than the analysis rate leave its top bands empty (16 and 22.05 kHz count at 32 kHz).
    const rates = bandLimitRates(o.sampleRate);
    rate = rates[Math.floor(r() * rates.length)];
    y = bandLimit(y, o.sampleRate, rate);
  }
  if (r() < o.pNoise) {
    const n = o.noise(y.length, r, rate);
    if (n) y = mixAtSnr(y, n, uniform(r, 0, 25));
  }
  if (r() < 0.3) y = mixAtSnr(y, whiteNoise(y.length, r), uniform(r, 15, 45));
  return scale(y, uniform(r, -20, 20));
}

/** Replaces 1–`maxFrames` consecutive frames of a T×n matrix by its mean frame (in place). */
export function timeMask(m: Float32Array, frames: number, n: number, r: () => number, maxFrames = 6): Float32Array {
  const w = 1 + Math.floor(r() * maxFrames);
  const t0 = Math.floor(r() * Math.max(1, frames - w));
  const mean = new Float32Array(n);
  for (let t = 0; t < frames; t++) for (let j = 0; j < n; j++) mean[j] += m[t * n + j] / frames;
  for (let t = t0; t < Math.min(frames, t0 + w); t++) for (let j = 0; j < n; j++) m[t * n + j] = mean[j];
  return m;
}
