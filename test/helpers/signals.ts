// Shared test signals with known answers: tones, chirps, clicks, seeded noise, and a WAV writer.
// Every generator is deterministic (noise through a seeded PRNG), so a failing test fails the same
// way on every run. Other helpers import this file: keep the API stable.
import { writeFileSync } from 'node:fs';
import { encodeWav, type WavSampleFormat } from '../../streams/audio/wav-write.ts';
import { createRealFft } from '../../streams/dsp/fft.ts';
import { seededRandom } from '../../models/random.ts';

export type { WavSampleFormat };

/** Number of samples of `durS` seconds at `sr` (rounded to the nearest sample). */
export function nSamples(durS: number, sr: number): number {
  return Math.max(0, Math.round(durS * sr));
}

/** Sine `amp·sin(2π f t + phase)`; amp defaults to 0.5. */
export function tone(freqHz: number, durS: number, sr: number, amp = 0.5, phase = 0): Float32Array {
  const n = nSamples(durS, sr);
  const out = new Float32Array(n);
  const w = (2 * Math.PI * freqHz) / sr;
  for (let i = 0; i < n; i++) out[i] = amp * Math.sin(w * i + phase);
  return out;
}

/** Linear chirp from f0 to f1 Hz over durS (instantaneous frequency f0 + (f1−f0)·t/durS). */
export function chirp(f0: number, f1: number, durS: number, sr: number, amp = 0.5): Float32Array {
  const n = nSamples(durS, sr);
  const out = new Float32Array(n);
  const k = durS > 0 ? (f1 - f0) / durS : 0;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    out[i] = amp * Math.sin(2 * Math.PI * (f0 * t + 0.5 * k * t * t));
  }
  return out;
}

/** Silence of durS seconds with a single impulse of `amp` (default 1) at sample round(atS·sr). */
export function click(sr: number, durS: number, atS: number, amp = 1): Float32Array {
  const out = new Float32Array(nSamples(durS, sr));
  const i = Math.round(atS * sr);
  if (i >= 0 && i < out.length) out[i] = amp;
  return out;
}

/** durS seconds of zeros. */
export function silence(durS: number, sr: number): Float32Array {
  return new Float32Array(nSamples(durS, sr));
}

/** mulberry32: small, fast, seeded uniform PRNG in [0, 1), the one training uses. Same seed → same sequence everywhere. */
export const rng: (seed: number) => () => number = seededRandom;

/** Gaussian white noise with standard deviation `amp` (Box–Muller over `rng(seed)`). */
export function noise(durS: number, sr: number, amp = 0.1, seed = 1): Float32Array {
  const n = nSamples(durS, sr);
  const out = new Float32Array(n);
  const r = rng(seed);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - r(); // (0, 1]: log never sees 0
    const u2 = r();
    const m = Math.sqrt(-2 * Math.log(u1));
    out[i] = amp * m * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = amp * m * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** Sum of signals sample by sample; the result is as long as the longest input. */
export function mix(...signals: Float32Array[]): Float32Array {
  const n = signals.reduce((m, s) => Math.max(m, s.length), 0);
  const out = new Float32Array(n);
  for (const s of signals) for (let i = 0; i < s.length; i++) out[i] += s[i];
  return out;
}

/** Signals one after another. */
export function concat(...signals: Float32Array[]): Float32Array {
  const out = new Float32Array(signals.reduce((m, s) => m + s.length, 0));
  let p = 0;
  for (const s of signals) { out.set(s, p); p += s.length; }
  return out;
}

/** `signal` placed at sample round(atS·sr) inside `durS` seconds of silence (clipped at the end). */
export function placeAt(signal: Float32Array, atS: number, durS: number, sr: number): Float32Array {
  const out = new Float32Array(nSamples(durS, sr));
  const start = Math.round(atS * sr);
  for (let i = 0; i < signal.length; i++) {
    const j = start + i;
    if (j >= 0 && j < out.length) out[j] = signal[i];
  }
  return out;
}

/** `signal` placed at each of `atS` in `durS` s of noise at `noiseRel` × its RMS: a call inside a longer recording. */
export function repeatedInNoise(signal: Float32Array, sr: number, durS: number, atS: readonly number[], noiseRel = 0.01, seed = 3): Float32Array {
  return mix(noise(durS, sr, rms(signal) * noiseRel, seed), ...atS.map((t) => placeAt(signal, t, durS, sr)));
}

/** Multiply by a constant gain (new array). */
export function gain(signal: Float32Array, g: number): Float32Array {
  const out = new Float32Array(signal.length);
  for (let i = 0; i < signal.length; i++) out[i] = signal[i] * g;
  return out;
}

/** Largest absolute sample. */
export function peak(signal: Float32Array): number {
  let m = 0;
  for (let i = 0; i < signal.length; i++) m = Math.max(m, Math.abs(signal[i]));
  return m;
}

/** Root mean square. */
export function rms(signal: Float32Array): number {
  let s = 0;
  for (let i = 0; i < signal.length; i++) s += signal[i] * signal[i];
  return signal.length ? Math.sqrt(s / signal.length) : 0;
}

/**
 * Write a WAV file synchronously (tests want the file there before the next line). A single
 * Float32Array is mono; an array of them is one per channel. Format defaults to 'pcm16'.
 * Returns `path` for chaining.
 */
export function writeWav(
  path: string,
  samples: Float32Array | Float32Array[],
  sr: number,
  format: WavSampleFormat = 'pcm16',
): string {
  writeFileSync(path, encodeWav(samples, sr, { format }));
  return path;
}

/** The value a sample takes after a round trip through 16-bit PCM (what a decoder must return). */
export function quantise16(signal: Float32Array): Float32Array {
  const out = new Float32Array(signal.length);
  for (let i = 0; i < signal.length; i++) {
    const c = Math.max(-1, Math.min(1, signal[i]));
    const v = c * 32767;
    // Same rounding as the writer (half away from zero); + 0 turns -0 into 0, as a decoder returns.
    out[i] = (v < 0 ? -Math.round(-v) + 0 : Math.round(v)) / 32768;
  }
  return out;
}

/**
 * Mean power per FFT bin in [lo, hi) Hz over Hann frames of 4096 samples (the project's real FFT;
 * call initDsp first): where a test signal's energy lies.
 */
export function bandPower(x: Float32Array, sr: number, lo: number, hi: number): number {
  const N = 4096, fft = createRealFft(N), out = new Float64Array(N / 2 + 1);
  const w = Float32Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
  const k0 = Math.ceil((lo * N) / sr), k1 = Math.min(N / 2, Math.floor((hi * N) / sr));
  let total = 0;
  for (let off = 0; off + N <= x.length; off += N) {
    fft.windowedPower(x, off, w, out);
    for (let k = k0; k < k1; k++) total += out[k];
  }
  return total / Math.max(1, k1 - k0);
}
