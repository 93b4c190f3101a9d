// Duration-aware adaptive sampling: every window or event, whatever its duration, becomes
// exactly T frames × nMfcc.
//
// Why this way: the research we follow resampled each clip to a fixed 22,295 samples, so a 10 s
// event was decimated to ~2.2 kHz and every dolphin whistle above 1.1 kHz was gone. A fixed-size
// matrix must not cost bandwidth. So we never touch the sample rate (all audio is at the analysis
// rate, cfg.sampleRate) and adapt in time only:
//  • count ≥ T frames at the base hop (long windows): pool the mel POWER frames into T equal,
//    contiguous bins by averaging. Every frame lands in exactly one bin, so a brief whistle in a
//    20 s song still adds its energy to its bin (a large hop would skip it), and averaging power
//    (not dB) keeps the energy, not an average of logs. The stream's STFT is reused (MelView), so
//    this costs only the averaging.
//  • count < T (short events: a 0.05 s click at 16 kHz has ~2 frames at hop 512): recompute the
//    STFT of the window's own samples with hop = length / T — frame t centred at (t + ½)·length/T,
//    padded per cfg.padMode beyond the window — so short events get T genuine, overlapping frames
//    instead of 2 frames stretched or zero-padded.
// Then power_to_db with top_db relative to this window's max (each window stands alone, as a
// clip would in the research) and the orthonormal DCT.
import type { FeatureConfig, MelView } from '../types.ts';
import { dctFrames } from './dct.ts';
import { powerToDb } from './db.ts';
import { sharedMelAnalyzer, type MelAnalyzer } from './mel-analyzer.ts';
import { sharedMfccKernel } from './mfcc-kernel.ts';
import { melPowerFrames } from './mfcc.ts';
import { padSignal } from './pad.ts';
import { resample } from './resample.ts';
import { rhythmRow } from './rhythm.ts';

/** Rows of a window's feature matrix: the T frames, plus the rhythm row when the config has it. */
export const featureRows = (cfg: FeatureConfig): number => cfg.frames + (cfg.rhythm === true ? 1 : 0);

/** Values of a window's feature matrix (featureRows × nMfcc). */
export const featureLength = (cfg: FeatureConfig): number => featureRows(cfg) * cfg.nMfcc;

export interface FeatureInput {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Mel power frames at cfg.hop and cfg.sampleRate, when the stream already has them. */
  readonly mel?: MelView;
}

function analyzerFor(cfg: FeatureConfig): MelAnalyzer {
  return sharedMelAnalyzer({ sampleRate: cfg.sampleRate, nFft: cfg.nFft, nMels: cfg.nMels, fmin: cfg.fmin, fmax: cfg.fmax });
}

export function checkFeatureConfig(cfg: FeatureConfig): void {
  const ints: Array<[string, number]> = [
    ['nFft', cfg.nFft],
    ['hop', cfg.hop],
    ['nMels', cfg.nMels],
    ['nMfcc', cfg.nMfcc],
    ['frames', cfg.frames],
  ];
  for (const [k, v] of ints) if (!Number.isInteger(v) || v < 1) throw new Error(`feature config: ${k} must be a positive integer, got ${v}`);
  if (!(cfg.sampleRate > 0)) throw new Error(`feature config: sampleRate must be > 0, got ${cfg.sampleRate}`);
  if (cfg.nMfcc > cfg.nMels) throw new Error(`feature config: nMfcc (${cfg.nMfcc}) cannot exceed nMels (${cfg.nMels})`);
  if (!(cfg.fmin >= 0 && cfg.fmax > cfg.fmin)) throw new Error(`feature config: need 0 ≤ fmin < fmax, got ${cfg.fmin}, ${cfg.fmax}`);
}

/** Average `count` mel power frames into T equal contiguous bins (count ≥ T). */
export function poolMel(mel: MelView, T: number, out: Float32Array = new Float32Array(T * mel.nMels)): Float32Array {
  const { data, count, nMels } = mel;
  if (count < T) throw new Error(`poolMel: ${count} frames cannot fill ${T} bins`);
  for (let b = 0; b < T; b++) {
    const f0 = Math.floor((b * count) / T);
    const f1 = Math.floor(((b + 1) * count) / T);
    const o = b * nMels;
    const src = f0 * nMels;
    const inv = 1 / (f1 - f0);
    if (f1 - f0 === 1) {
      for (let m = 0; m < nMels; m++) out[o + m] = data[src + m];
      continue;
    }
    // summed in float32 one frame at a time (fround), as a float32 accumulator would
    for (let m = 0; m < nMels; m++) {
      let acc = data[src + m];
      for (let i = src + nMels + m, end = f1 * nMels; i < end; i += nMels) acc = Math.fround(acc + data[i]);
      out[o + m] = acc * inv;
    }
  }
  return out;
}

/**
 * T mel power frames of a short signal by an STFT with hop = length / T: frame t centred at
 * sample round((t + ½)·length/T), padded per cfg.padMode outside [0, length).
 */
export function adaptiveHopMel(samples: Float32Array, cfg: FeatureConfig, out: Float32Array = new Float32Array(cfg.frames * cfg.nMels)): Float32Array {
  const len = samples.length;
  if (len === 0) throw new Error('adaptive features: the window has no samples');
  const an = analyzerFor(cfg);
  const T = cfg.frames;
  const nFft = cfg.nFft;
  const half = Math.floor(nFft / 2);
  // Pad once (frames start at ≥ −half and end at ≤ len + half), then every frame is a plain view.
  const x = padSignal(samples, half, nFft - half, cfg.padMode);
  for (let t = 0; t < T; t++) {
    const c = Math.round(((t + 0.5) * len) / T);
    an.frame(x, c - half + half, out, t * an.nMels);
  }
  return out;
}

/** The window's mel power frames at the base hop: its MelView when given, else computed. */
function baseMel(samples: () => Float32Array, win: FeatureInput, cfg: FeatureConfig): MelView {
  if (win.mel) {
    if (win.mel.nMels !== cfg.nMels) throw new Error(`features: window mel has ${win.mel.nMels} bands, config wants ${cfg.nMels}`);
    if (win.mel.hop !== cfg.hop) throw new Error(`features: window mel hop is ${win.mel.hop}, config wants ${cfg.hop}`);
    return win.mel;
  }
  const m = melPowerFrames(samples(), cfg.sampleRate, {
    nFft: cfg.nFft,
    hop: cfg.hop,
    nMels: cfg.nMels,
    fmin: cfg.fmin,
    fmax: cfg.fmax,
    center: cfg.center,
    padMode: cfg.padMode,
  });
  return { data: m.data, count: m.frames, nMels: m.nMels, hop: cfg.hop };
}

/** T × nMels mel power of a window, pooled or adaptive-hop (see the top of this file). */
export function fixedMel(win: FeatureInput, cfg: FeatureConfig): Float32Array {
  return fixedMelInto(win, cfg, new Float32Array(cfg.frames * cfg.nMels));
}

function fixedMelInto(win: FeatureInput, cfg: FeatureConfig, out: Float32Array, pool: (m: MelView) => Float32Array = (m) => poolMel(m, cfg.frames, out)): Float32Array {
  checkFeatureConfig(cfg);
  let atRate: Float32Array | null = null;
  const samples = (): Float32Array => {
    if (!atRate) atRate = win.sampleRate === cfg.sampleRate ? win.samples : resample(win.samples, win.sampleRate, cfg.sampleRate);
    return atRate;
  };
  // Count the base frames without computing them when the window is short.
  const len = win.mel ? -1 : Math.round((win.samples.length * cfg.sampleRate) / win.sampleRate);
  const baseCount = win.mel ? win.mel.count : cfg.center ? 1 + Math.floor(len / cfg.hop) : len < cfg.nFft ? 0 : 1 + Math.floor((len - cfg.nFft) / cfg.hop);
  if (baseCount >= cfg.frames) return pool(baseMel(samples, win, cfg));
  return adaptiveHopMel(samples(), cfg, out);
}

/** Pooled mel power and its dB, reused across windows (fixedFeatures is synchronous). */
let scratch = new Float32Array(0);

/**
 * T × nMfcc MFCC matrix (row-major by frame) of a window of any duration, followed by the rhythm
 * row (dsp/rhythm.ts) when cfg.rhythm. A fresh array.
 */
export function fixedFeatures(win: FeatureInput, cfg: FeatureConfig): Float32Array {
  return fixedFeaturesInto(win, cfg, new Float32Array(featureLength(cfg)));
}

/** fixedFeatures written into `out` (featureLength(cfg) values, e.g. one slot of a batch buffer). */
export function fixedFeaturesInto(win: FeatureInput, cfg: FeatureConfig, out: Float32Array): Float32Array {
  if (out.length !== featureLength(cfg)) throw new Error(`features: output holds ${out.length} values, need ${featureRows(cfg)}×${cfg.nMfcc}`);
  if (cfg.rhythm !== true) return mfccInto(win, cfg, out);
  const dim = cfg.frames * cfg.nMfcc;
  // The rhythm row wants the base-hop frames whatever the window's length; a short window's are
  // cheap, and a long one's are the frames the MFCC pooling reads anyway.
  let base = win.mel;
  if (!base) {
    const samples = win.sampleRate === cfg.sampleRate ? win.samples : resample(win.samples, win.sampleRate, cfg.sampleRate);
    base = baseMel(() => samples, win, cfg);
    win = { samples, sampleRate: cfg.sampleRate, mel: base.count >= cfg.frames ? base : undefined };
  }
  mfccInto(win, cfg, out.subarray(0, dim));
  rhythmRow(base, cfg, out.subarray(dim));
  return out;
}

/** The T × nMfcc MFCC part of the features into `out`. */
function mfccInto(win: FeatureInput, cfg: FeatureConfig, out: Float32Array): Float32Array {
  const n = cfg.frames * cfg.nMels;
  if (scratch.length !== n) scratch = new Float32Array(n);
  // WASM SIMD when loaded (agrees with the JS reference to ~1e-6 of the range; ~3× faster): long
  // windows are pooled in the kernel too, short ones come from adaptiveHopMel
  const kernel = sharedMfccKernel(cfg.nMels, cfg.nMfcc);
  if (kernel) {
    let pooled = false;
    const mel = fixedMelInto(win, cfg, scratch, (m) => {
      pooled = true;
      return kernel.runPooled(m.data, m.count, cfg.frames, 1e-10, cfg.topDb, out);
    });
    return pooled ? out : kernel.run(mel, cfg.frames, 1e-10, cfg.topDb, out);
  }
  const mel = fixedMelInto(win, cfg, scratch);
  const db = powerToDb(mel, { ref: 1, amin: 1e-10, topDb: cfg.topDb });
  return dctFrames(db, cfg.frames, cfg.nMels, cfg.nMfcc, out);
}
