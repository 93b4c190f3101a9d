// Render a clip's spectrogram as a PNG: Hann-windowed STFT magnitude in dB → colour map, low
// frequencies at the bottom, the detected span marked by two vertical lines and a bar on top.
// The server keeps no FFT library of its own: a plain radix-2 FFT is enough for a few clips.
import { encodePngRgb } from './png.ts';

export interface SpectrogramImageOptions {
  /** Detected span inside the clip, seconds from the clip's first sample. */
  readonly spanS?: readonly [number, number];
  /** FFT size (power of two); default 512. */
  readonly nFft?: number;
  /** At most this many columns; the hop grows to fit. Default 1000. */
  readonly maxWidth?: number;
  /** Dynamic range shown, dB below the loudest bin. Default 80. */
  readonly rangeDb?: number;
}

export interface SpectrogramImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
  readonly hop: number;
}

/** In-place iterative radix-2 FFT of (re, im); length must be a power of two. */
export function fftInPlace(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr; im[b] = im[a] - ti;
        re[a] += tr; im[a] += ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

// A perceptually ordered dark-blue → purple → orange → pale-yellow ramp (magma-like).
const STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66], [245, 125, 21], [250, 193, 39], [252, 255, 164],
];

/** Colour for a level in [0, 1]. */
export function colormap(v: number): readonly [number, number, number] {
  const x = Math.max(0, Math.min(1, v)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** STFT magnitudes (dB) of `samples`: frames × (nFft/2) values, frame-major. */
export function stftDb(samples: Float32Array, nFft: number, hop: number): { frames: number; bins: number; db: Float32Array } {
  if (nFft < 8 || (nFft & (nFft - 1)) !== 0) throw new RangeError(`nFft must be a power of two ≥ 8, got ${nFft}`);
  const bins = nFft / 2;
  const frames = Math.max(1, Math.floor(Math.max(0, samples.length - nFft) / hop) + 1);
  const win = new Float64Array(nFft);
  for (let i = 0; i < nFft; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / nFft);
  const db = new Float32Array(frames * bins);
  const re = new Float64Array(nFft);
  const im = new Float64Array(nFft);
  for (let f = 0; f < frames; f++) {
    const o = f * hop;
    for (let i = 0; i < nFft; i++) { re[i] = (samples[o + i] ?? 0) * win[i]; im[i] = 0; }
    fftInPlace(re, im);
    for (let k = 0; k < bins; k++) db[f * bins + k] = 10 * Math.log10(re[k] * re[k] + im[k] * im[k] + 1e-20);
  }
  return { frames, bins, db };
}

/** Spectrogram image of a mono signal; time left→right, frequency bottom→top. */
export function renderSpectrogram(samples: Float32Array, sampleRate: number, opts: SpectrogramImageOptions = {}): SpectrogramImage {
  const nFft = opts.nFft ?? 512;
  const maxWidth = opts.maxWidth ?? 1000;
  const rangeDb = opts.rangeDb ?? 80;
  const hop = Math.max(nFft / 4, Math.ceil(Math.max(0, samples.length - nFft) / Math.max(1, maxWidth - 1)));
  const { frames, bins, db } = stftDb(samples, nFft, hop);
  let top = -Infinity;
  for (let i = 0; i < db.length; i++) if (db[i] > top) top = db[i];
  const floor = top - rangeDb;
  const width = frames;
  const height = bins;
  const rgb = new Uint8Array(width * height * 3);
  for (let x = 0; x < width; x++) {
    for (let k = 0; k < bins; k++) {
      const v = (db[x * bins + k] - floor) / rangeDb;
      const [r, g, b] = colormap(v);
      const y = height - 1 - k;
      const p = (y * width + x) * 3;
      rgb[p] = r; rgb[p + 1] = g; rgb[p + 2] = b;
    }
  }
  if (opts.spanS) markSpan(rgb, width, height, opts.spanS, (hop / sampleRate), nFft / 2 / sampleRate);
  return { width, height, rgb, hop };
}

/** Cyan lines at the span's edges and a bar across the top over the span. */
function markSpan(rgb: Uint8Array, width: number, height: number, span: readonly [number, number], secPerCol: number, centreOffsetS: number): void {
  const col = (s: number): number => Math.max(0, Math.min(width - 1, Math.round((s - centreOffsetS) / secPerCol)));
  const x0 = col(Math.min(span[0], span[1]));
  const x1 = col(Math.max(span[0], span[1]));
  const put = (x: number, y: number): void => {
    const p = (y * width + x) * 3;
    rgb[p] = 0; rgb[p + 1] = 229; rgb[p + 2] = 255;
  };
  for (let y = 0; y < height; y++) { put(x0, y); put(x1, y); }
  const bar = Math.max(2, Math.round(height / 64));
  for (let x = x0; x <= x1; x++) for (let y = 0; y < bar; y++) put(x, y);
}

/** PNG bytes of a clip's spectrogram. */
export function spectrogramPng(samples: Float32Array, sampleRate: number, opts: SpectrogramImageOptions = {}): Buffer {
  const img = renderSpectrogram(samples, sampleRate, opts);
  return encodePngRgb(img.width, img.height, img.rgb);
}
