// How a window's loudness moves in absolute time: the envelope-modulation row that models with
// `rhythm` in their feature config read after the T MFCC frames.
//
// Why: the MFCC matrix is pooled to T frames whatever the window's duration, so a 1 s click
// interval in a 2 s window and in a 10 s clip land on different frame lags: the matrix cannot say
// "clicks every 0.6 s" or "pulses every 20 ms". Call rhythm is species-specific and, unlike the
// spectral envelope, owes nothing to the recorder's frequency response or rate. A logistic
// regression on the clips' MFCC statistics scored 58.5 % on unseen tapes; adding these rhythm
// values (from an STFT at 16 ms hop) brought it to 65.8 % (three tape-disjoint splits).
//
// From the window's mel power frames at the base hop (the stream's STFT, or the window's own):
// for three bands (everything, 20 Hz–1 kHz, 1–4 kHz), the band's energy per frame in dB (floored
// at max − 80 dB), then the largest normalised autocorrelation within each of 11 geometric lag bins
// (RHYTHM_LAG_EDGES: 16 ms … 1.28 s at both analysis rates; the largest, not a value at one lag,
// so a period between two sampled lags still shows: 67.3 % against 66.4 % in the same regression),
// the 10–90 % range of the envelope (dB), the mean |frame step| (dB) and the fraction of steps
// rising by more than 6 dB (onsets). Lag bins the window is too short for are 0.
import type { FeatureConfig, MelView } from '../types.ts';
import { melFrequencies } from './mel.ts';

/** Lag bins in base hops, [edge i, edge i+1): geometric from one hop to 80 (1.28 s at a 16 ms hop). */
export const RHYTHM_LAG_EDGES: readonly number[] = Object.freeze([1, 2, 3, 4, 6, 9, 13, 19, 28, 41, 60, 81]);
const BINS = RHYTHM_LAG_EDGES.length - 1;

/** Bands [lo, hi) in Hz whose envelopes are described; a band above fmax is empty (its values are 0). */
export const RHYTHM_BANDS: readonly (readonly [number, number])[] = Object.freeze([[0, Infinity], [0, 1000], [1000, 4000]]);

/** Values per band: the lag bins, then range, mean |step| and onset fraction. */
const PER_BAND = BINS + 3;

/** How many values of the rhythm row carry something (the rest of the nMfcc-long row is 0). */
export const RHYTHM_VALUES = RHYTHM_BANDS.length * PER_BAND;

const TOP_DB = 80;
const AMIN = 1e-10;
const ONSET_DB = 6;

/** The mel bands (by centre frequency, which rises with the index) each rhythm band sums: [first, end) per band, cached per config. */
const bandCache = new Map<string, Int32Array>();

function bandRanges(cfg: FeatureConfig): Int32Array {
  const key = `${cfg.nMels}:${cfg.fmin}:${cfg.fmax}`;
  let b = bandCache.get(key);
  if (!b) {
    const centres = melFrequencies(cfg.nMels + 2, cfg.fmin, cfg.fmax).subarray(1, cfg.nMels + 1);
    b = new Int32Array(2 * RHYTHM_BANDS.length);
    RHYTHM_BANDS.forEach(([lo, hi], k) => {
      const inside = [...centres.keys()].filter((m) => centres[m] >= lo && centres[m] < hi);
      b![2 * k] = inside.length ? inside[0] : 0;
      b![2 * k + 1] = inside.length ? inside[inside.length - 1] + 1 : 0;
    });
    bandCache.set(key, b);
  }
  return b;
}

/** Linear-interpolated percentile of sorted values (numpy's default). */
function percentile(sorted: Float64Array, p: number): number {
  const pos = (p / 100) * (sorted.length - 1);
  const i = Math.floor(pos), f = pos - i;
  return i + 1 < sorted.length ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** One band's values into out[o … o + PER_BAND). */
function describe(e: Float64Array, out: Float32Array, o: number): void {
  const n = e.length;
  let max = -Infinity;
  for (let t = 0; t < n; t++) if (e[t] > max) max = e[t];
  let mean = 0;
  for (let t = 0; t < n; t++) { e[t] = Math.max(e[t], max - TOP_DB); mean += e[t]; }
  mean /= n;
  let v = 0;
  for (let t = 0; t < n; t++) { e[t] -= mean; v += e[t] * e[t]; }
  v = v / n + 1e-9;
  for (let i = 0; i < BINS && RHYTHM_LAG_EDGES[i] < n; i++) {
    let best = -Infinity;
    const end = Math.min(RHYTHM_LAG_EDGES[i + 1], n);
    for (let l = RHYTHM_LAG_EDGES[i]; l < end; l++) {
      const m = n - l;
      let s = 0;
      for (let t = 0; t < m; t++) s += e[t] * e[t + l];
      const r = s / m;
      if (r > best) best = r;
    }
    out[o + i] = best / v;
  }
  const sorted = Float64Array.from(e).sort();
  out[o + BINS] = percentile(sorted, 90) - percentile(sorted, 10);
  if (n < 2) return;
  let step = 0, onsets = 0;
  for (let t = 1; t < n; t++) {
    const d = e[t] - e[t - 1];
    step += Math.abs(d);
    if (d > ONSET_DB) onsets++;
  }
  out[o + BINS + 1] = step / (n - 1);
  out[o + BINS + 2] = onsets / (n - 1);
}

/**
 * The rhythm row of a window from its mel power frames at the base hop, into `out` (nMfcc values;
 * RHYTHM_VALUES of them used, the rest set to 0).
 */
export function rhythmRow(mel: MelView, cfg: FeatureConfig, out: Float32Array = new Float32Array(cfg.nMfcc)): Float32Array {
  if (out.length < RHYTHM_VALUES) throw new Error(`rhythm: a row of ${out.length} values cannot hold ${RHYTHM_VALUES}`);
  if (mel.nMels !== cfg.nMels) throw new Error(`rhythm: mel frames have ${mel.nMels} bands, config wants ${cfg.nMels}`);
  out.fill(0);
  const { data, count, nMels } = mel;
  if (count === 0) return out;
  const ranges = bandRanges(cfg);
  const e = new Float64Array(count);
  for (let b = 0; b < RHYTHM_BANDS.length; b++) {
    const m0 = ranges[2 * b], m1 = ranges[2 * b + 1];
    if (m1 === m0) continue;
    for (let t = 0, row = 0; t < count; t++, row += nMels) {
      let p = 0;
      for (let m = row + m0, end = row + m1; m < end; m++) p += data[m];
      e[t] = 10 * Math.log10(p > AMIN ? p : AMIN);
    }
    describe(e, out, b * PER_BAND);
  }
  return out;
}
