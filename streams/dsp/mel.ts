// Mel scale and mel filterbank, matching librosa (hz_to_mel, mel_to_hz, mel_frequencies,
// filters.mel). Slaney's scale (linear below 1 kHz, logarithmic above) with area ("slaney")
// normalisation is librosa's default; htk=true gives 2595·log10(1 + f/700).
// The bank is stored sparsely — each triangle as its first FFT bin plus its weights — so applying
// it touches ~2 weights per FFT bin instead of nMels × (nFft/2+1).

const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27;

export function hzToMel(hz: number, htk = false): number {
  if (htk) return 2595 * Math.log10(1 + hz / 700);
  if (hz >= MIN_LOG_HZ) return MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP;
  return hz / F_SP;
}

export function melToHz(mel: number, htk = false): number {
  if (htk) return 700 * (10 ** (mel / 2595) - 1);
  if (mel >= MIN_LOG_MEL) return MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL));
  return F_SP * mel;
}

/** n frequencies evenly spaced in mel between fmin and fmax (librosa.mel_frequencies). */
export function melFrequencies(n: number, fmin: number, fmax: number, htk = false): Float64Array {
  const lo = hzToMel(fmin, htk);
  const hi = hzToMel(fmax, htk);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // numpy.linspace: i·step + start, with the last point exactly `hi`
    const m = n === 1 ? lo : i === n - 1 ? hi : i * ((hi - lo) / (n - 1)) + lo;
    out[i] = melToHz(m, htk);
  }
  return out;
}

export interface MelFilterOptions {
  readonly sampleRate: number;
  readonly nFft: number;
  readonly nMels?: number;
  readonly fmin?: number;
  /** Default sampleRate / 2. */
  readonly fmax?: number;
  readonly htk?: boolean;
  /** 'slaney' (default): each triangle scaled to unit area in Hz. null: peak 1. */
  readonly norm?: 'slaney' | null;
}

/** A mel filterbank stored sparsely: filter m covers FFT bins start[m] .. start[m]+length[m]-1. */
export interface MelFilterbank {
  readonly nMels: number;
  /** nFft/2 + 1. */
  readonly nBins: number;
  readonly start: Int32Array;
  readonly length: Int32Array;
  /** Offset of filter m's first weight in `weights`. */
  readonly offset: Int32Array;
  readonly weights: Float64Array;
}

/** librosa.filters.mel, computed in float64. */
export function melFilterbank(opts: MelFilterOptions): MelFilterbank {
  const { sampleRate: sr, nFft } = opts;
  const nMels = opts.nMels ?? 128;
  const fmin = opts.fmin ?? 0;
  const fmax = opts.fmax ?? sr / 2;
  const htk = opts.htk ?? false;
  const norm = opts.norm === undefined ? 'slaney' : opts.norm;
  if (!(sr > 0)) throw new Error(`mel filterbank: sample rate must be > 0, got ${sr}`);
  if (!Number.isInteger(nFft) || nFft < 2) throw new Error(`mel filterbank: nFft must be an integer ≥ 2, got ${nFft}`);
  if (!Number.isInteger(nMels) || nMels < 1) throw new Error(`mel filterbank: nMels must be a positive integer, got ${nMels}`);
  if (!(fmin >= 0 && fmax > fmin)) throw new Error(`mel filterbank: need 0 ≤ fmin < fmax, got ${fmin}, ${fmax}`);
  const nBins = Math.floor(nFft / 2) + 1;
  const fftFreqs = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) fftFreqs[k] = (k * sr) / nFft;
  const melF = melFrequencies(nMels + 2, fmin, fmax, htk);
  const start = new Int32Array(nMels);
  const length = new Int32Array(nMels);
  const offset = new Int32Array(nMels);
  const all: number[] = [];
  for (let m = 0; m < nMels; m++) {
    const fdLo = melF[m + 1] - melF[m];
    const fdHi = melF[m + 2] - melF[m + 1];
    const enorm = norm === 'slaney' ? 2 / (melF[m + 2] - melF[m]) : 1;
    let first = -1;
    let last = -1;
    const row = new Float64Array(nBins);
    for (let k = 0; k < nBins; k++) {
      const lower = -(melF[m] - fftFreqs[k]) / fdLo;
      const upper = (melF[m + 2] - fftFreqs[k]) / fdHi;
      const w = Math.max(0, Math.min(lower, upper));
      if (w > 0) {
        row[k] = w * enorm;
        if (first < 0) first = k;
        last = k;
      }
    }
    offset[m] = all.length;
    if (first >= 0) {
      start[m] = first;
      length[m] = last - first + 1;
      for (let k = first; k <= last; k++) all.push(row[k]);
    }
  }
  return { nMels, nBins, start, length, offset, weights: Float64Array.from(all) };
}

/** Dense nMels × nBins matrix (row-major), for tests and inspection. */
export function melDense(fb: MelFilterbank): Float64Array {
  const out = new Float64Array(fb.nMels * fb.nBins);
  for (let m = 0; m < fb.nMels; m++) {
    for (let j = 0; j < fb.length[m]; j++) out[m * fb.nBins + fb.start[m] + j] = fb.weights[fb.offset[m] + j];
  }
  return out;
}

/** out[outOffset + m] = Σ_k W[m,k]·power[k]: the sparse mel step. */
export function applyMel(fb: MelFilterbank, power: Float32Array | Float64Array, out: Float32Array | Float64Array, outOffset = 0): void {
  const { start, length, offset, weights, nMels } = fb;
  for (let m = 0; m < nMels; m++) {
    const s = start[m];
    const o = offset[m];
    const n = length[m];
    // two accumulators: halves the add dependency chain of the longer (high-frequency) filters
    let a0 = 0;
    let a1 = 0;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      a0 += weights[o + j] * power[s + j];
      a1 += weights[o + j + 1] * power[s + j + 1];
    }
    if (j < n) a0 += weights[o + j] * power[s + j];
    out[outOffset + m] = a0 + a1;
  }
}
