// One STFT frame → mel power, with every buffer preallocated: periodic Hann window, real FFT
// (WASM when initDsp() has run), |X|², sparse mel triangles. The streaming operator, the
// whole-signal MFCC and the adaptive short-event path all use this one object, so they agree.
import { createRealFft, fftBackend, type RealFft } from './fft.ts';
import { applyMel, melFilterbank, type MelFilterbank, type MelFilterOptions } from './mel.ts';
import { hannPeriodic } from './window-fn.ts';

export interface MelAnalyzerOptions extends MelFilterOptions {
  /** 'js' forces the float64 JS FFT (exact reference); default the fastest available. */
  readonly fftBackend?: 'auto' | 'js';
}

export class MelAnalyzer {
  readonly nFft: number;
  readonly nBins: number;
  readonly nMels: number;
  readonly sampleRate: number;
  readonly fb: MelFilterbank;
  /** Power spectrum of the last frame analysed (nFft/2 + 1 bins). */
  readonly power: Float32Array;
  private readonly window: Float32Array;
  private readonly fft: RealFft;

  constructor(opts: MelAnalyzerOptions) {
    this.sampleRate = opts.sampleRate;
    this.nFft = opts.nFft;
    this.nBins = Math.floor(opts.nFft / 2) + 1;
    this.fb = melFilterbank(opts);
    this.nMels = this.fb.nMels;
    this.window = hannPeriodic(opts.nFft);
    this.power = new Float32Array(this.nBins);
    this.fft = createRealFft(opts.nFft, { backend: opts.fftBackend ?? 'auto' });
  }

  get backend(): string {
    return this.fft.backend;
  }

  /** Window input[offset .. offset+nFft) and compute its power spectrum into `this.power`. */
  powerFrame(input: Float32Array, offset: number): Float32Array {
    this.fft.windowedPower(input, offset, this.window, this.power);
    return this.power;
  }

  /** Mel power of a power spectrum into out[outOffset .. outOffset+nMels). */
  melFromPower(power: Float32Array | Float64Array, out: Float32Array | Float64Array, outOffset: number): void {
    applyMel(this.fb, power, out, outOffset);
  }

  /** One frame: samples input[offset .. offset+nFft) → mel power at out[outOffset ..]. */
  frame(input: Float32Array, offset: number, out: Float32Array | Float64Array, outOffset: number): void {
    this.powerFrame(input, offset);
    applyMel(this.fb, this.power, out, outOffset);
  }
}

const cache = new Map<string, MelAnalyzer>();

/**
 * A shared analyzer for these options (building the filterbank costs nMels × nBins). Not for
 * concurrent use across awaits — its buffers are reused — which JS's single thread guarantees
 * as long as a caller finishes its frames synchronously.
 */
export function sharedMelAnalyzer(opts: MelAnalyzerOptions): MelAnalyzer {
  const be = opts.fftBackend === 'js' ? 'js' : fftBackend(opts.nFft);
  const key = [opts.sampleRate, opts.nFft, opts.nMels ?? 128, opts.fmin ?? 0, opts.fmax ?? opts.sampleRate / 2, opts.htk ?? false, opts.norm === undefined ? 'slaney' : String(opts.norm), be].join('|');
  let a = cache.get(key);
  if (!a) {
    if (cache.size >= 32) cache.delete(cache.keys().next().value as string);
    a = new MelAnalyzer(opts);
    cache.set(key, a);
  }
  return a;
}
