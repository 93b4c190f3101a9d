// Streaming sample-rate conversion between any two rates, windowed-sinc (Kaiser).
//
// Output sample n sits at input time t_n = n·inRate/outRate (zero phase: no delay, time stays
// true; the price is a latency of `halfWidth` input samples before an output can be computed).
// Rational ratios that reduce to L/M with L ≤ 4096 (48000→16000 = 1/3, 166600→16000 = 80/833,
// 44100→48000 = 160/147) use an exact polyphase table of L phases and integer phase arithmetic,
// so there is no drift however long the stream. Other ratios use a 512-phase table with linear
// interpolation between phases.
//
// The low-pass cutoff sits at rolloff × the lower Nyquist, so downsampling removes what would
// alias. Defaults (24 zero crossings, Kaiser β 8.5, rolloff 0.9) put the stopband at the new
// Nyquist with ≥ 80 dB rejection and the passband (±0.1 dB) to ~0.8 × the lower Nyquist.
// State carries across push() calls: chunked output is bit-identical to one-shot output.
//
// Speed: ratios L/M with few phases (L ≤ 8: 48000→16000 = 1/3, 48000→32000 = 2/3,
// 16000→32000 = 2/1) filter by polyphase overlap-save through the WASM FFT (when initDsp() has
// run): the input is split into its M decimated streams and each output phase q is the sum of M
// short convolutions at the output's own rate (polyphasePlan), so a block of M·S input samples
// costs M forward and L inverse transforms. Filtering the whole input per phase and keeping
// every M-th sample cost 1 forward and L inverse per S: 48000→32000 went 3 → 5/3 transforms per
// S inputs (~3,200× → ~4,000× real time here). The same filter as the direct sum, at the cost of
// one block (~3k input samples at M = 3) of extra latency.
// Large ratios that are not integers (166600→16000) first decimate by an integer factor the same
// way (166600→33320, ÷5), then convert the rest (33320→16000) with a filter 5× shorter.
// Everything else (44100→32000 = 320/441) uses the direct polyphase sum, in WASM SIMD when it is
// available (streams/dsp/poly-kernel.ts, ~7× the JS loop) and in JS otherwise or with method 'direct'.

export interface ResamplerOptions {
  /** 'auto' (default): FFT overlap-save for ratios of ≤ 8 phases, else the WASM direct sum, when loaded. 'direct': the JS sum (the reference). */
  readonly method?: 'auto' | 'direct';
  /** Sinc zero crossings on each side, at the lower of the two rates. Default 24. */
  readonly zeroCrossings?: number;
  /** Kaiser window β. Default 8.5. */
  readonly beta?: number;
  /** Cutoff as a fraction of the lower Nyquist. Default 0.9. */
  readonly rolloff?: number;
}

import { createPolyConvolver, fftBackend, type PolyConvolver } from './fft.ts';
import { WasmPolyKernel } from './poly-kernel.ts';

const MAX_EXACT_PHASES = 4096;
/** Up to this many phases (L of L/M) the FFT path pays: L convolutions per block. */
const MAX_FFT_PHASES = 8;
const INTERP_PHASES = 512;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (for the Kaiser window). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

interface Design {
  /** Taps per output sample. */
  readonly taps: number;
  /** Phases in the table (L for exact; INTERP_PHASES + 1 for interpolated). */
  readonly phases: number;
  /** phases × taps; row p is the kernel for fractional position p / (phases[-1]). */
  readonly table: Float32Array;
}

function design(inRate: number, outRate: number, denom: number, rows: number, opts: ResamplerOptions): Design {
  const z = opts.zeroCrossings ?? 24;
  const beta = opts.beta ?? 8.5;
  const rolloff = opts.rolloff ?? 0.9;
  const s = Math.min(1, outRate / inRate);
  const fc = rolloff * s; // cutoff in cycles per input sample × 2 (1 = input Nyquist)
  const halfWidth = z / s; // in input samples
  const taps = 2 * Math.ceil(halfWidth);
  const table = new Float32Array(rows * taps);
  const i0b = besselI0(beta);
  for (let p = 0; p < rows; p++) {
    const frac = p / denom;
    for (let j = 0; j < taps; j++) {
      const tau = frac + taps / 2 - 1 - j; // t − i for tap j
      const r = tau / halfWidth;
      if (Math.abs(r) >= 1) continue;
      const x = fc * tau;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      table[p * taps + j] = fc * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0b);
    }
  }
  return { taps, phases: rows, table };
}

const designCache = new Map<string, Design>();

/**
 * One WASM copy of each design's table, shared by every resampler using it (a 44.1 kHz station's
 * table is ~90 kB): the kernel runs synchronously, so its scratch can be shared too.
 */
const polyCache = new WeakMap<Design, WasmPolyKernel | null>();
function polyKernelFor(d: Design): WasmPolyKernel | null {
  let k = polyCache.get(d);
  if (k === undefined) {
    k = WasmPolyKernel.create(d.table, d.phases, d.taps);
    polyCache.set(d, k);
  }
  return k;
}

/**
 * The L × M kernels of the polyphase overlap-save path (see PolyConvolver in fft.ts). Output
 * m = L·j + q reads table row p = q·M mod L at input index i0 = M·j + ⌊q·M/L⌋, over the K inputs
 * from i0 − K/2 + 1. Tap M·i + r of that sum falls on input stream s = (that index) mod M, at
 * stream position j + i + ⌊(⌊q·M/L⌋ − K/2 + 1 + r)/M⌋; kernel [q][s] collects those taps, shifted
 * so that every kernel starts at stream position j + `first`. Kernels are flipped (convolution).
 */
export function polyphasePlan(d: { readonly taps: number; readonly table: Float32Array }, L: number, M: number): { kernels: Float32Array[][]; first: number } {
  const K = d.taps;
  const first = Math.floor((1 - K / 2) / M);
  let len = 0;
  for (let q = 0; q < L; q++) {
    const c = Math.floor((q * M) / L);
    for (let r = 0; r < M; r++) len = Math.max(len, Math.floor((c - K / 2 + 1 + r) / M) - first + Math.ceil((K - r) / M));
  }
  const kernels: Float32Array[][] = [];
  for (let q = 0; q < L; q++) {
    const p = (q * M) % L;
    const c = Math.floor((q * M) / L);
    const row = Array.from({ length: M }, () => new Float32Array(len));
    for (let r = 0; r < M; r++) {
      const e = c - K / 2 + 1 + r;
      const stream = ((e % M) + M) % M;
      const shift = Math.floor(e / M) - first;
      for (let i = 0; M * i + r < K; i++) row[stream][len - 1 - (i + shift)] = d.table[p * K + M * i + r];
    }
    kernels.push(row);
  }
  return { kernels, first };
}

export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  /** Reduced ratio outRate/inRate = up/down when exact. */
  readonly up: number;
  readonly down: number;
  readonly exact: boolean;
  /** Input samples of look-ahead an output needs: outputs trail the input by this much. */
  readonly latency: number;
  private readonly d: Design | null;
  /** Input history; buf[0] is absolute input index bufStart. */
  private buf: Float32Array;
  private bufLen = 0;
  private bufStart: number;
  private totalIn = 0;
  /** Index of the next output sample. */
  private nOut = 0;
  /** Polyphase overlap-save (ratios of ≤ 8 phases): the convolver and the block it does next. */
  private readonly conv: PolyConvolver | null = null;
  /** The current block's valid outputs, interleaved (output m = L·j + q at (j − b·S)·L + q). */
  private readonly zs: Float32Array = new Float32Array(0);
  /** The direct polyphase sum in WASM SIMD, for exact ratios the FFT path does not take. */
  private readonly poly: WasmPolyKernel | null = null;
  private block = 0;
  private readonly pre: number;
  /** Integer pre-decimation stage for large non-integer ratios (see the top of the file). */
  private readonly stage1: Resampler | null = null;
  /** Input samples received (at inRate, before stage 1). */
  private received = 0;

  constructor(inRate: number, outRate: number, opts: ResamplerOptions = {}) {
    if (!(inRate > 0) || !Number.isFinite(inRate)) throw new Error(`resampler: input rate must be > 0, got ${inRate}`);
    if (!(outRate > 0) || !Number.isFinite(outRate)) throw new Error(`resampler: output rate must be > 0, got ${outRate}`);
    this.inRate = inRate;
    this.outRate = outRate;
    let stageIn = inRate;
    if (opts.method !== 'direct' && Number.isInteger(inRate) && Number.isInteger(outRate) && inRate >= 4 * outRate && inRate % outRate !== 0 && fftBackend(1024) !== 'js') {
      // largest integer factor M1 of inRate keeping the intermediate rate ≥ 2 × outRate
      let m1 = Math.floor(inRate / (2 * outRate));
      while (m1 >= 2 && inRate % m1 !== 0) m1--;
      if (m1 >= 2) {
        stageIn = inRate / m1;
        this.stage1 = new Resampler(inRate, stageIn, opts);
      }
    }
    let up = 0;
    let down = 0;
    if (Number.isInteger(stageIn) && Number.isInteger(outRate)) {
      const g = gcd(stageIn, outRate);
      up = outRate / g;
      down = stageIn / g;
    }
    this.exact = up > 0 && up <= MAX_EXACT_PHASES;
    this.up = this.exact ? up : 0;
    this.down = this.exact ? down : 0;
    if (inRate === outRate) {
      this.d = null;
      this.latency = 0;
    } else {
      const key = `${stageIn}|${outRate}|${opts.zeroCrossings}|${opts.beta}|${opts.rolloff}`;
      let d = designCache.get(key);
      if (!d) {
        d = this.exact ? design(stageIn, outRate, up, up, opts) : design(stageIn, outRate, INTERP_PHASES, INTERP_PHASES + 1, opts);
        designCache.set(key, d);
      }
      this.d = d;
      this.latency = d.taps / 2;
    }
    // Zeros before the first sample, so output 0 (at input time 0) can be computed.
    let pre = this.d ? this.d.taps / 2 - 1 : 0;
    if (this.d && this.exact && this.up <= MAX_FFT_PHASES && (this.up >= 2 || this.down >= 2) && opts.method !== 'direct') {
      const plan = polyphasePlan(this.d, this.up, this.down);
      let n = 1024; // fewest JS↔WASM calls per sample without longer transforms (measured: 512 and 2048 are slower)
      while (n < 4 * plan.kernels[0][0].length) n *= 2;
      this.conv = createPolyConvolver(plan.kernels, n);
      if (this.conv) {
        this.zs = new Float32Array((n - this.conv.kernelLength + 1) * this.up);
        pre = -this.down * plan.first;
      }
    }
    this.pre = pre;
    if (this.d && this.exact && !this.conv && opts.method !== 'direct') this.poly = polyKernelFor(this.d);
    this.buf = new Float32Array(Math.max(4096, pre * 2));
    this.bufLen = pre;
    this.bufStart = -pre;
  }

  /** How outputs are computed: FFT overlap-save, the WASM SIMD direct sum, the JS one, or none. */
  get path(): 'fft' | 'wasm-direct' | 'js-direct' | 'passthrough' {
    return !this.d ? 'passthrough' : this.conv ? 'fft' : this.poly ? 'wasm-direct' : 'js-direct';
  }

  /** Outputs produced so far (the index of the next output sample). */
  get outputCount(): number {
    return this.nOut;
  }

  /** Input time (in input samples, from the first input sample) of output sample n. */
  inputTimeOf(n: number): number {
    return (n * this.inRate) / this.outRate;
  }

  /** Feed input; returns every output sample that can now be computed. */
  push(x: Float32Array): Float32Array {
    this.received += x.length;
    if (this.stage1) x = this.stage1.push(x);
    if (!this.d) {
      this.totalIn += x.length;
      this.nOut += x.length;
      return x.slice();
    }
    if (this.conv) return this.pushBlocks(this.conv, x);
    this.append(x);
    return this.drain(this.totalIn);
  }

  /**
   * Overlap-save push without copying the chunk into the history: only its first span − 1 samples
   * join the history (blocks that straddle the two), blocks wholly inside the chunk are read
   * from it in place, and afterwards the history keeps only what later blocks need. At replay's
   * 5 s chunks the copy of every chunk was ~10% of the resampler's time.
   */
  private pushBlocks(conv: PolyConvolver, x: Float32Array): Float32Array {
    const xStart = this.totalIn;
    const head = Math.min(x.length, conv.n * conv.streams - 1);
    this.append(head === x.length ? x : x.subarray(0, head));
    this.totalIn = xStart + x.length;
    const out = this.drainBlocks(conv, this.totalIn, Infinity, x, xStart);
    // the history is now [bufStart, bufStart + bufLen); add the rest of the chunk it still needs
    const from = Math.max(this.bufStart + this.bufLen, this.blockStart(conv, this.block));
    if (from < this.totalIn) {
      if (this.bufLen === 0) this.bufStart = from;
      if (from !== this.bufStart + this.bufLen) throw new Error(`resampler: internal: history ends at ${this.bufStart + this.bufLen}, chunk part starts at ${from}`);
      const total = this.totalIn;
      this.append(x.subarray(from - xStart));
      this.totalIn = total;
    }
    return out;
  }

  /** First input index of block b: M·(b·S + first), S = n − K + 1 outputs per phase per block. */
  private blockStart(conv: PolyConvolver, b: number): number {
    return -this.pre + this.down * b * (conv.n - conv.kernelLength + 1);
  }

  /** End of stream: the remaining outputs, up to input time `totalIn`, with zeros beyond it. */
  flush(): Float32Array {
    if (!this.d) return new Float32Array(0);
    if (this.stage1) this.append(this.stage1.flush());
    const end = this.totalIn;
    this.append(new Float32Array(this.conv ? (this.conv.n + 1) * this.down : this.d.taps));
    const stageRate = this.stage1 ? this.stage1.outRate : this.inRate;
    let lastT = this.exact ? Math.ceil((end * this.up) / this.down) : Math.ceil((end * this.outRate) / stageRate);
    // the output ends where the input does (stage 1's rounding may reach one sample further)
    lastT = Math.min(lastT, Math.ceil((this.received * this.outRate) / this.inRate));
    const out = this.drain(this.totalIn, lastT);
    return out;
  }

  private append(x: Float32Array): void {
    const need = this.bufLen + x.length;
    if (need > this.buf.length) {
      const nb = new Float32Array(Math.max(need, this.buf.length * 2));
      nb.set(this.buf.subarray(0, this.bufLen));
      this.buf = nb;
    }
    this.buf.set(x, this.bufLen);
    this.bufLen += x.length;
    this.totalIn += x.length;
  }

  /** Compute outputs while their taps lie inside available input (< avail), up to maxOut. */
  private drain(avail: number, maxOut = Infinity): Float32Array {
    if (this.conv) return this.drainBlocks(this.conv, avail, maxOut, this.buf, this.bufStart);
    const d = this.d!;
    const K = d.taps;
    const half = K / 2;
    const table = d.table;
    const buf = this.buf;
    const start = this.bufStart;
    // count outputs first so the result is allocated once
    let n = this.nOut;
    const first = n;
    const firstIdx = (m: number): number => {
      const i0 = this.exact ? Math.floor((m * this.down) / this.up) : Math.floor((m * (this.stage1 ? this.stage1.outRate : this.inRate)) / this.outRate);
      return i0 - half + 1;
    };
    // last tap of output m is firstIdx(m) + K - 1 = i0 + half; need it < avail
    let lo = n;
    let hi = n;
    while (hi < maxOut && firstIdx(hi) + K - 1 < avail) hi = hi === lo ? hi + 1 : lo + (hi - lo) * 2;
    // binary search the exact end in [lo, hi)
    let a = lo, b = Math.min(hi, maxOut);
    while (a < b) {
      const m = (a + b) >> 1;
      if (firstIdx(m) + K - 1 < avail) a = m + 1;
      else b = m;
    }
    const count = a - first;
    const out = new Float32Array(Math.max(0, count));
    if (this.exact && this.poly) {
      const i0 = Math.floor((n * this.down) / this.up);
      this.poly.run(buf, this.bufLen, i0 - half + 1 - start, n * this.down - i0 * this.up, this.up, this.down, count, out);
    } else if (this.exact) {
      const up = this.up;
      const down = this.down;
      let i0 = Math.floor((n * down) / up);
      let p = n * down - i0 * up; // phase numerator, exact integers
      for (let o = 0; o < count; o++) {
        const base = i0 - half + 1 - start;
        const row = p * K;
        // four accumulators: breaks the add dependency chain (K is even, a multiple of 2)
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        let j = 0;
        for (; j + 3 < K; j += 4) {
          a0 += table[row + j] * buf[base + j];
          a1 += table[row + j + 1] * buf[base + j + 1];
          a2 += table[row + j + 2] * buf[base + j + 2];
          a3 += table[row + j + 3] * buf[base + j + 3];
        }
        for (; j < K; j++) a0 += table[row + j] * buf[base + j];
        out[o] = a0 + a1 + (a2 + a3);
        p += down;
        while (p >= up) {
          p -= up;
          i0++;
        }
      }
    } else {
      const ratio = (this.stage1 ? this.stage1.outRate : this.inRate) / this.outRate;
      for (let o = 0; o < count; o++) {
        const t = (n + o) * ratio;
        const i0 = Math.floor(t);
        const pf = (t - i0) * INTERP_PHASES;
        const p = Math.min(INTERP_PHASES - 1, Math.floor(pf));
        const w = pf - p;
        const base = i0 - half + 1 - start;
        const r0 = p * K;
        const r1 = r0 + K;
        let acc0 = 0;
        let acc1 = 0;
        for (let j = 0; j < K; j++) {
          const v = buf[base + j];
          acc0 += table[r0 + j] * v;
          acc1 += table[r1 + j] * v;
        }
        out[o] = acc0 + w * (acc1 - acc0);
      }
    }
    n += count;
    this.nOut = n;
    // drop input no future output needs
    const keepFrom = firstIdx(n);
    const drop = Math.max(0, Math.min(this.bufLen, keepFrom - start));
    if (drop > 0) {
      this.buf.copyWithin(0, drop, this.bufLen);
      this.bufLen -= drop;
      this.bufStart += drop;
    }
    return out;
  }

  /**
   * Polyphase overlap-save: block b reads input [M·(b·S + first), + M·n) and completes outputs
   * m = L·j + q for j ∈ [b·S, (b+1)·S), S = n − K + 1 (see polyphasePlan).
   */
  private drainBlocks(conv: PolyConvolver, avail: number, maxOut: number, x: Float32Array, xStart: number): Float32Array {
    const S = conv.n - conv.kernelLength + 1;
    const span = conv.n * this.down;
    // Blocks whose input has all arrived, and the outputs they complete: counted first, so the
    // result is allocated once and each block writes straight into it.
    const blocks = Math.max(0, Math.floor((avail - span - this.blockStart(conv, 0)) / (this.down * S)) + 1 - this.block);
    const total = Math.max(0, Math.min((this.block + blocks) * S * this.up, maxOut) - this.nOut);
    const out = new Float32Array(total);
    const n0 = this.nOut;
    if (total > 0) this.nOut = this.runBlocks(conv, blocks, total, out, x, xStart);
    const o = this.nOut - n0;
    this.block += blocks;
    const drop = Math.max(0, Math.min(this.bufLen, this.blockStart(conv, this.block) - this.bufStart));
    if (drop > 0) {
      this.buf.copyWithin(0, drop, this.bufLen);
      this.bufLen -= drop;
      this.bufStart += drop;
    }
    if (o !== total) throw new Error(`resampler: internal: ${o} outputs, expected ${total}`);
    return out;
  }

  /**
   * The blocks' loop on its own, with nothing after it but the return: a long first call
   * compiles this loop on-stack (OSR) before any code after it has run, and V8 reuses that code
   * on every later entry — code after the loop, without type feedback, deoptimised it at every
   * call (12–48 per bench run) when it sat in drainBlocks; a property store there did the same.
   * Writes the `want` outputs from index nOut (the last block may complete more than maxOut
   * allows) and returns the next output index.
   */
  private runBlocks(conv: PolyConvolver, blocks: number, want: number, out: Float32Array, x: Float32Array, xStart: number): number {
    const S = conv.n - conv.kernelLength + 1;
    const span = conv.n * this.down;
    const L = this.up;
    const zs = this.zs;
    const buf = this.buf;
    const bufStart = this.bufStart;
    const bufEnd = bufStart + this.bufLen;
    const start0 = this.blockStart(conv, 0);
    const step = this.down * S;
    let n = this.nOut;
    const end = n + want;
    let o = 0;
    for (let b = this.block, last = this.block + blocks; b < last && n < end; b++) {
      const mStart = b * S * L;
      const mEnd = Math.min(end, mStart + S * L);
      if (n >= mEnd) continue;
      // a block inside the history is read from it, any other from the new chunk (see pushBlocks)
      const s = start0 + b * step;
      if (s + span <= bufEnd) conv.run(buf, s - bufStart, zs);
      else conv.run(x, s - xStart, zs);
      out.set(zs.subarray(n - mStart, mEnd - mStart), o);
      o += mEnd - n;
      n = mEnd;
    }
    return n;
  }
}

/** One-shot conversion of a whole signal (output length ⌈len·outRate/inRate⌉). */
export function resample(x: Float32Array, inRate: number, outRate: number, opts: ResamplerOptions = {}): Float32Array {
  if (inRate === outRate) return x.slice();
  const r = new Resampler(inRate, outRate, opts);
  const a = r.push(x);
  const b = r.flush();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
