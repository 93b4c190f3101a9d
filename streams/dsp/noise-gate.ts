// Streaming spectral gating, in the spirit of the noisereduce library's stationary mode, but causal
// (no look-ahead beyond the current STFT window) so it can run on a live stream:
//  • per FFT bin, a running estimate of the noise level in dB — mean μ and spread σ, updated by an
//    exponential average with time constant `timeConstantS` from every frame (bins far above the
//    floor update 20× slower, so a loud call does not drag the floor up while it lasts);
//  • a bin is "signal" when its level exceeds μ + nStd·σ;
//  • the 0/1 mask is dilated across ±`smoothBins` bins (a max, so a narrow call keeps the skirts
//    of its window's main lobe) and, in time, released over
//    `releaseFrames` frames (attack is immediate: a click's onset is never gated);
//  • the power spectrum is multiplied by a gain between 10^(−reductionDb/10) (noise) and 1
//    (signal) before the mel step.
// The first `warmupS` seconds pass through ungated while the floor settles.

export interface NoiseGateOptions {
  /** Seconds of history the noise floor follows. Default 2. */
  readonly timeConstantS?: number;
  /** Threshold above the floor mean, in floor standard deviations. Default 2 (noisereduce uses 1.5 with a non-causal, wider smoothing). */
  readonly nStd?: number;
  /** Attenuation of gated bins in dB. Default 20. */
  readonly reductionDb?: number;
  /** Mask dilation across frequency, ± bins. Default 1. */
  readonly smoothBins?: number;
  /** Mask release in frames. Default 2. */
  readonly releaseFrames?: number;
  /** Seconds passed through before gating starts. Default 0.5. */
  readonly warmupS?: number;
}

export class NoiseGate {
  private readonly mu: Float64Array;
  private readonly var: Float64Array;
  private readonly raw: Float32Array;
  private readonly mask: Float32Array;
  private readonly alpha: number;
  private readonly nStd: number;
  private readonly floorGain: number;
  private readonly smoothBins: number;
  private readonly release: number;
  private readonly warmupFrames: number;
  private frames = 0;

  constructor(
    readonly nBins: number,
    sampleRate: number,
    hop: number,
    opts: NoiseGateOptions = {},
  ) {
    const tc = opts.timeConstantS ?? 2;
    if (!(tc > 0)) throw new Error(`noise gate: timeConstantS must be > 0, got ${tc}`);
    const hopS = hop / sampleRate;
    this.alpha = Math.exp(-hopS / tc);
    this.nStd = opts.nStd ?? 2;
    this.floorGain = 10 ** (-(opts.reductionDb ?? 20) / 10);
    this.smoothBins = Math.max(0, Math.round(opts.smoothBins ?? 1));
    const rel = Math.max(1, opts.releaseFrames ?? 2);
    this.release = Math.exp(-1 / rel);
    this.warmupFrames = Math.ceil((opts.warmupS ?? 0.5) / hopS);
    this.mu = new Float64Array(nBins);
    this.var = new Float64Array(nBins);
    this.raw = new Float32Array(nBins);
    this.mask = new Float32Array(nBins);
  }

  /** Gate one frame's power spectrum in place (and learn from it). */
  apply(power: Float32Array | Float64Array): void {
    const n = this.nBins;
    const { mu, var: v, raw, mask } = this;
    const first = this.frames === 0;
    const a = this.alpha;
    // Slightly faster learning while warming up, so the floor is usable when gating starts.
    const aw = this.frames < this.warmupFrames ? Math.min(a, 1 - 1 / (this.frames + 1)) : a;
    for (let k = 0; k < n; k++) {
      const x = 10 * Math.log10(power[k] + 1e-20);
      if (first) {
        mu[k] = x;
        v[k] = 31; // 5.6 dB: the spread of a noise bin's power in dB
      }
      const sd = Math.sqrt(v[k]);
      raw[k] = x > mu[k] + this.nStd * sd ? 1 : 0;
      // Learn from every frame, but barely from bins far above the floor (a call must not drag
      // the floor up while it lasts). No clipping: a clipped tail would shrink σ, lower the
      // threshold and feed back.
      const ak = x > mu[k] + 3 * sd && !first ? 1 - (1 - aw) * 0.05 : aw;
      const m = ak * mu[k] + (1 - ak) * x;
      v[k] = ak * v[k] + (1 - ak) * (x - m) * (x - m);
      mu[k] = m;
    }
    this.frames++;
    if (this.frames <= this.warmupFrames) return;
    const w = this.smoothBins;
    for (let k = 0; k < n; k++) {
      let s = 0;
      const lo = Math.max(0, k - w);
      const hi = Math.min(n - 1, k + w);
      for (let j = lo; j <= hi; j++) s = raw[j] > s ? raw[j] : s;
      const f = s;
      const held = mask[k] * this.release;
      mask[k] = f > held ? f : held;
      power[k] *= this.floorGain + (1 - this.floorGain) * mask[k];
    }
  }
}
