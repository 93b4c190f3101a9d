// librosa-exact MFCC of a whole signal, and the pieces the streaming path reuses.
//
// librosa.feature.mfcc(y, sr, n_mfcc=60) with its defaults: centred frames (signal padded by
// n_fft/2 on both sides), periodic Hann, power spectrum |X|², Slaney mel filterbank with area
// normalisation, power_to_db(ref=1, amin=1e-10, top_db=80 — relative to the max of the whole
// input), DCT-II orthonormal, first n_mfcc coefficients. Output is row-major by frame
// (frames × nMfcc), i.e. librosa's (n_mfcc, frames) matrix transposed.
//
// padMode: librosa < 0.10 padded with 'reflect' (the Watkins research used librosa 0.8);
// librosa ≥ 0.10 defaults to 'constant' (zeros). They differ only in the first and last
// ⌈n_fft/2 / hop⌉ frames. Default here: 'reflect', the research's choice.
import { dctFrames } from './dct.ts';
import { powerToDb } from './db.ts';
import { sharedMelAnalyzer, MelAnalyzer } from './mel-analyzer.ts';
import { padIndex, type PadMode } from './pad.ts';

export { dctFrames, dctMatrix } from './dct.ts';
export { powerToDb, type PowerToDbOptions } from './db.ts';
export { MelAnalyzer, sharedMelAnalyzer, type MelAnalyzerOptions } from './mel-analyzer.ts';
export type { PadMode } from './pad.ts';

export interface MelSpecOptions {
  readonly nFft?: number;
  readonly hop?: number;
  readonly nMels?: number;
  readonly fmin?: number;
  /** Default sr / 2. */
  readonly fmax?: number;
  readonly htk?: boolean;
  readonly center?: boolean;
  readonly padMode?: PadMode;
  /** 'js' forces the float64 JS FFT; default the fastest available (WASM after initDsp()). */
  readonly fftBackend?: 'auto' | 'js';
}

export interface MfccOptions extends MelSpecOptions {
  readonly nMfcc?: number;
  readonly topDb?: number | null;
  readonly amin?: number;
  readonly ref?: number;
}

export interface MelFrames {
  /** frames × nMels, row-major by frame. */
  readonly data: Float32Array;
  readonly frames: number;
  readonly nMels: number;
}

export interface MfccResult {
  /** frames × nMfcc, row-major by frame. */
  readonly data: Float32Array;
  readonly frames: number;
  readonly nMfcc: number;
}

/** Number of STFT frames librosa produces for a signal of `len` samples. */
export function frameCount(len: number, nFft: number, hop: number, center: boolean): number {
  const padded = center ? len + 2 * Math.floor(nFft / 2) : len;
  return padded < nFft ? 0 : 1 + Math.floor((padded - nFft) / hop);
}

function checkInts(nFft: number, hop: number): void {
  if (!Number.isInteger(nFft) || nFft < 2) throw new Error(`nFft must be an integer ≥ 2, got ${nFft}`);
  if (!Number.isInteger(hop) || hop < 1) throw new Error(`hop must be a positive integer, got ${hop}`);
}

/** librosa.feature.melspectrogram(y, sr, power=2) — mel power frames of the whole signal. */
export function melPowerFrames(samples: Float32Array, sr: number, opts: MelSpecOptions = {}): MelFrames {
  const nFft = opts.nFft ?? 2048;
  const hop = opts.hop ?? 512;
  const center = opts.center ?? true;
  checkInts(nFft, hop);
  if (!(sr > 0)) throw new Error(`sample rate must be > 0, got ${sr}`);
  const an: MelAnalyzer = sharedMelAnalyzer({
    sampleRate: sr,
    nFft,
    nMels: opts.nMels ?? 128,
    fmin: opts.fmin ?? 0,
    fmax: opts.fmax ?? sr / 2,
    htk: opts.htk ?? false,
    fftBackend: opts.fftBackend ?? 'auto',
  });
  const half = center ? Math.floor(nFft / 2) : 0;
  const len = samples.length;
  const frames = frameCount(len, nFft, hop, center);
  const nMels = an.nMels;
  const data = new Float32Array(frames * nMels);
  // Frames inside the signal read it in place; only the few edge frames are padded (into a
  // small copy), so a long signal is never copied whole.
  const pad = opts.padMode ?? 'reflect';
  const frame = new Float32Array(nFft);
  for (let f = 0; f < frames; f++) {
    const s0 = f * hop - half;
    if (s0 >= 0 && s0 + nFft <= len) {
      // every frame from here that fits, as one run (one WASM call when the analyzer is fused)
      const run = Math.min(frames - f, Math.floor((len - nFft - s0) / hop) + 1);
      an.frames(samples, s0, hop, run, data, f * nMels);
      f += run - 1;
      continue;
    }
    for (let i = 0; i < nFft; i++) {
      const j = padIndex(s0 + i, len, pad);
      frame[i] = j < 0 ? 0 : samples[j];
    }
    an.frame(frame, 0, data, f * nMels);
  }
  return { data, frames, nMels };
}

/** librosa.feature.mfcc: MFCC of the whole signal (top_db relative to its overall max). */
export function mfcc(samples: Float32Array, sr: number, opts: MfccOptions = {}): MfccResult {
  const nMfcc = opts.nMfcc ?? 60;
  const mel = melPowerFrames(samples, sr, opts);
  if (nMfcc > mel.nMels) throw new Error(`nMfcc (${nMfcc}) cannot exceed nMels (${mel.nMels})`);
  const db = powerToDb(mel.data, { ref: opts.ref ?? 1, amin: opts.amin ?? 1e-10, topDb: opts.topDb === undefined ? 80 : opts.topDb });
  const data = dctFrames(db, mel.frames, mel.nMels, nMfcc);
  return { data, frames: mel.frames, nMfcc };
}
