// Render a clip's spectrogram as a PNG: Hann-windowed STFT magnitude in dB → colour map, low
// frequencies at the bottom, the detected span marked by two vertical lines and a bar on top.
// The server keeps no FFT library of its own: a plain radix-2 FFT is enough for a few clips.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { encodePngRgb, encodePngRgbAsync } from './png.ts';

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
  return colourAt(v);
}

function colourAt(v: number): readonly [number, number, number] {
  const x = Math.max(0, Math.min(1, v)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

// 1024-step lookup of the ramp, packed RGB: the per-pixel colour is one array read.
const LUT_STEPS = 1024;
const LUT = (() => {
  const t = new Uint8Array(LUT_STEPS * 3);
  for (let i = 0; i < LUT_STEPS; i++) t.set(colourAt(i / (LUT_STEPS - 1)), i * 3);
  return t;
})();

interface Stft {
  readonly frames: number;
  readonly bins: number;
  readonly db: Float32Array;
}

/** An STFT being computed frame by frame (so long clips can be done in slices). */
class StftJob {
  readonly bins: number;
  readonly frames: number;
  readonly db: Float32Array;
  private readonly win: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  next = 0;

  constructor(private readonly samples: Float32Array, private readonly nFft: number, private readonly hop: number) {
    if (nFft < 8 || (nFft & (nFft - 1)) !== 0) throw new RangeError(`nFft must be a power of two ≥ 8, got ${nFft}`);
    this.bins = nFft / 2;
    this.frames = Math.max(1, Math.floor(Math.max(0, samples.length - nFft) / hop) + 1);
    this.win = new Float64Array(nFft);
    for (let i = 0; i < nFft; i++) this.win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / nFft);
    this.db = new Float32Array(this.frames * this.bins);
    this.re = new Float64Array(nFft);
    this.im = new Float64Array(nFft);
  }

  /** Compute up to `count` more frames; true when all are done. */
  step(count: number): boolean {
    const { samples, nFft, hop, win, re, im, bins, db } = this;
    const end = Math.min(this.frames, this.next + count);
    for (let f = this.next; f < end; f++) {
      const o = f * hop;
      const n = Math.min(nFft, samples.length - o);
      for (let i = 0; i < n; i++) re[i] = samples[o + i] * win[i];
      re.fill(0, Math.max(0, n));
      im.fill(0);
      fftInPlace(re, im);
      for (let k = 0; k < bins; k++) db[f * bins + k] = 10 * Math.log10(re[k] * re[k] + im[k] * im[k] + 1e-20);
    }
    this.next = end;
    return end >= this.frames;
  }
}

/** STFT magnitudes (dB) of `samples`: frames × (nFft/2) values, frame-major. */
export function stftDb(samples: Float32Array, nFft: number, hop: number): Stft {
  const job = new StftJob(samples, nFft, hop);
  job.step(job.frames);
  return job;
}

function hopFor(samples: Float32Array, nFft: number, maxWidth: number): number {
  return Math.max(nFft / 4, Math.ceil(Math.max(0, samples.length - nFft) / Math.max(1, maxWidth - 1)));
}

/** Spectrogram image of a mono signal; time left→right, frequency bottom→top. */
export function renderSpectrogram(samples: Float32Array, sampleRate: number, opts: SpectrogramImageOptions = {}): SpectrogramImage {
  const nFft = opts.nFft ?? 512;
  const hop = hopFor(samples, nFft, opts.maxWidth ?? 1000);
  return paint(stftDb(samples, nFft, hop), hop, sampleRate, nFft, opts);
}

/** As renderSpectrogram, giving the event loop back every few dozen frames (a long clip must not
 *  stall the server, which may share its process with the monitor). */
export async function renderSpectrogramAsync(samples: Float32Array, sampleRate: number, opts: SpectrogramImageOptions = {}): Promise<SpectrogramImage> {
  const nFft = opts.nFft ?? 512;
  const hop = hopFor(samples, nFft, opts.maxWidth ?? 1000);
  const job = new StftJob(samples, nFft, hop);
  while (!job.step(64)) await yieldToLoop();
  return paint(job, hop, sampleRate, nFft, opts);
}

function paint(stft: Stft, hop: number, sampleRate: number, nFft: number, opts: SpectrogramImageOptions): SpectrogramImage {
  const rangeDb = opts.rangeDb ?? 80;
  const { frames, bins, db } = stft;
  let top = -Infinity;
  for (let i = 0; i < db.length; i++) if (db[i] > top) top = db[i];
  const floor = top - rangeDb;
  const width = frames;
  const height = bins;
  const rgb = new Uint8Array(width * height * 3);
  const scale = (LUT_STEPS - 1) / rangeDb;
  for (let x = 0; x < width; x++) {
    for (let k = 0; k < bins; k++) {
      const i = Math.round((db[x * bins + k] - floor) * scale);
      const c = (i < 0 ? 0 : i >= LUT_STEPS ? LUT_STEPS - 1 : i) * 3;
      const p = ((height - 1 - k) * width + x) * 3;
      rgb[p] = LUT[c]; rgb[p + 1] = LUT[c + 1]; rgb[p + 2] = LUT[c + 2];
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

/** PNG bytes of a clip's spectrogram without blocking the event loop for long (sliced STFT,
 *  compression on the libuv thread pool). */
export async function spectrogramPngAsync(samples: Float32Array, sampleRate: number, opts: SpectrogramImageOptions = {}): Promise<Buffer> {
  const img = await renderSpectrogramAsync(samples, sampleRate, opts);
  return encodePngRgbAsync(img.width, img.height, img.rgb);
}
