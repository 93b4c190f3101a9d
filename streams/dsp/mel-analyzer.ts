// One STFT frame → mel power, with every buffer preallocated: periodic Hann window, real FFT
// (WASM when initDsp() has run), |X|², sparse mel triangles. The streaming operator, the
// whole-signal MFCC and the adaptive short-event path all use this one object, so they agree.
// With the SIMD WASM FFT loaded, frame() and frames() run all four steps in one WASM call
// (dsp/mel-kernel.ts); powerFrame() + melFromPower() stay the step-by-step path (the noise gate
// works on the power spectrum between them).
import { createRealFft, fftBackend, type RealFft } from './fft.ts';
import { applyMel, melFilterbank, type MelFilterbank, type MelFilterOptions } from './mel.ts';
import { WasmMelKernel } from './mel-kernel.ts';
import { hannPeriodic } from './window-fn.ts';

export interface MelAnalyzerOptions extends MelFilterOptions {
  /** 'js' forces the float64 JS FFT (exact reference); default the fastest available. */
  readonly fftBackend?: 'auto' | 'js';
  /** false: never the fused WASM kernel (the step-by-step path, for comparison). Default true. */
  readonly fused?: boolean;
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
  private readonly kernel: WasmMelKernel | null;

  constructor(opts: MelAnalyzerOptions) {
    this.sampleRate = opts.sampleRate;
    this.nFft = opts.nFft;
    this.nBins = Math.floor(opts.nFft / 2) + 1;
    this.fb = melFilterbank(opts);
    this.nMels = this.fb.nMels;
    this.window = hannPeriodic(opts.nFft);
    this.power = new Float32Array(this.nBins);
    this.fft = createRealFft(opts.nFft, { backend: opts.fftBackend ?? 'auto' });
    this.kernel = opts.fftBackend === 'js' || opts.fused === false ? null : WasmMelKernel.create(this.window, this.fb);
  }

  get backend(): string {
    return this.fft.backend;
  }

  /** True when frame()/frames() run as one fused WASM call per run of frames. */
  get fused(): boolean {
    return this.kernel !== null;
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
    if (this.kernel) {
      this.kernel.frames(input, offset, 1, 1, out, outOffset);
      return;
    }
    this.powerFrame(input, offset);
    applyMel(this.fb, this.power, out, outOffset);
  }

  /**
   * `count` frames hop samples apart: frame f is input[offset + f·hop .. + nFft) → mel power at
   * out[outOffset + f·nMels ..]. The input must hold every frame's samples.
   */
  frames(input: Float32Array, offset: number, hop: number, count: number, out: Float32Array | Float64Array, outOffset: number): void {
    if (count <= 0) return;
    if (this.kernel) {
      this.kernel.frames(input, offset, hop, count, out, outOffset);
      return;
    }
    for (let f = 0; f < count; f++) {
      this.powerFrame(input, offset + f * hop);
      applyMel(this.fb, this.power, out, outOffset + f * this.nMels);
    }
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
  const key = [opts.sampleRate, opts.nFft, opts.nMels ?? 128, opts.fmin ?? 0, opts.fmax ?? opts.sampleRate / 2, opts.htk ?? false, opts.norm === undefined ? 'slaney' : String(opts.norm), be, opts.fused === false ? 'unfused' : 'fused'].join('|');
  let a = cache.get(key);
  if (!a) {
    if (cache.size >= 32) cache.delete(cache.keys().next().value as string);
    a = new MelAnalyzer(opts);
    cache.set(key, a);
  }
  return a;
}
