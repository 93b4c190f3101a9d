// Real FFT for the feature path. The fast backend is PFFFT compiled to SIMD WebAssembly
// (@echogarden/pffft-wasm); its module loads asynchronously, so callers run `await initDsp()` once
// at start-up. Until then (or when WebAssembly is unavailable, or the size is one PFFFT cannot do:
// real sizes must be a multiple of 32 with only factors 2, 3, 5) a pure-JS float64 FFT is used, so
// nothing breaks — it is just slower. The JS path is also the exact reference in tests.

import { readFileSync } from 'node:fs';
import { compiledOnce, ModuleBuilder } from './wasm-asm.ts';
import { createRequire } from 'node:module';

export type FftBackend = 'wasm-simd' | 'wasm' | 'js';

export interface RealFft {
  readonly n: number;
  readonly backend: FftBackend;
  /** Power spectrum |X_k|² of `input[offset .. offset+n)` into out[0 .. n/2]. */
  power(input: Float32Array, out: Float32Array | Float64Array, offset?: number): void;
  /** Power spectrum of input[offset + i]·window[i]: the window applied on the way in, no extra pass. */
  windowedPower(input: Float32Array, offset: number, window: Float32Array, out: Float32Array | Float64Array): void;
  /** Complex spectrum X_k, k = 0 .. n/2 (unnormalised, e^{-2πikn/N}). */
  forward(input: Float32Array, re: Float64Array, im: Float64Array, offset?: number): void;
}

export interface PffftModule {
  HEAPF32: Float32Array;
  _pffft_new_setup(n: number, kind: number): number;
  _pffft_destroy_setup(setup: number): void;
  _pffft_aligned_malloc(bytes: number): number;
  _pffft_aligned_free(ptr: number): void;
  _pffft_transform_ordered(setup: number, input: number, output: number, work: number, dir: number): void;
  _pffft_transform(setup: number, input: number, output: number, work: number, dir: number): void;
  _pffft_zconvolve_accumulate(setup: number, a: number, b: number, ab: number, scaling: number): void;
}

type PffftFactory = (arg?: object) => Promise<PffftModule>;

/** The loaded PFFFT module, its memory and raw exports (for kernels that share its memory). */
export interface WasmDspCore {
  readonly mod: PffftModule;
  readonly backend: FftBackend;
  readonly memory: WebAssembly.Memory;
  /** The raw wasm export of pffft_transform_ordered: importable by another module as is. */
  readonly transformOrdered: WebAssembly.ExportValue;
}

let wasm: { mod: PffftModule; backend: FftBackend; core: WasmDspCore | null } | null = null;
let initPromise: Promise<FftBackend> | null = null;

/**
 * A float32 scratch buffer on the WASM heap that kernels grow on demand: when a call needs more
 * than it holds, the old block is freed and one of at least twice the size allocated (contents
 * are not kept). `ptr` is its byte address (0 before the first ensure).
 */
export class HeapBuffer {
  ptr = 0;
  private cap = 0;

  constructor(
    private readonly mod: PffftModule,
    private readonly what: string,
  ) {}

  /** The buffer's byte address, holding at least `floats` floats. */
  ensure(floats: number): number {
    if (floats > this.cap) {
      if (this.ptr) this.mod._pffft_aligned_free(this.ptr);
      this.cap = Math.max(floats, 2 * this.cap);
      this.ptr = this.mod._pffft_aligned_malloc(this.cap * 4);
      if (!this.ptr) {
        this.cap = 0;
        throw new Error(`${this.what}: out of WASM memory`);
      }
    }
    return this.ptr;
  }
}

/** The loaded WASM FFT with its memory, or null (not loaded, or its instance was not captured). */
export function wasmDspCore(): WasmDspCore | null {
  return wasm?.core ?? null;
}

type Imports = Record<string, Record<string, WebAssembly.ImportValue>>;

/**
 * Emscripten's instantiateWasm hook: we instantiate the module ourselves so that its memory and
 * raw exports are ours to share (the glue keeps the Memory private). Throws synchronously (the
 * glue then rejects) when the binary cannot be read or does not validate here.
 */
function instantiateHook(spec: string, onInstance: (i: WebAssembly.Instance) => void) {
  return (imports: Imports, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void): object => {
    const file = createRequire(import.meta.url).resolve(spec).replace(/\.js$/, '.wasm');
    const bytes = readFileSync(file);
    if (!WebAssembly.validate(bytes)) throw new Error(`${file}: not valid WebAssembly on this runtime`);
    const module = new WebAssembly.Module(bytes);
    const instance = new WebAssembly.Instance(module, imports);
    onInstance(instance);
    receive(instance, module);
    // the glue takes the hook's return value as the module's exports
    return instance.exports;
  };
}

function coreOf(mod: PffftModule, backend: FftBackend, inst: WebAssembly.Instance | null): WasmDspCore | null {
  if (!inst) return null;
  const exports = Object.values(inst.exports);
  const memory = exports.find((e): e is WebAssembly.Memory => e instanceof WebAssembly.Memory);
  // After its first call the glue's wrapper is replaced by the raw export; call once to settle it.
  const s = mod._pffft_new_setup(32, 0);
  const p = mod._pffft_aligned_malloc(3 * 32 * 4);
  mod._pffft_transform_ordered(s, p, p + 128, p + 256, 0);
  mod._pffft_aligned_free(p);
  mod._pffft_destroy_setup(s);
  const raw = (mod as unknown as Record<string, unknown>)._pffft_transform_ordered;
  if (!memory || typeof raw !== 'function' || !exports.includes(raw as WebAssembly.ExportValue)) return null;
  return { mod, backend, memory, transformOrdered: raw as WebAssembly.ExportValue };
}

/**
 * Load the WebAssembly FFT (SIMD build, else the plain build). Safe to call many times; resolves
 * to the backend in use. Never rejects: on failure the JS FFT stays in use.
 */
export function initDsp(): Promise<FftBackend> {
  if (initPromise) return initPromise;
  initPromise = (async (): Promise<FftBackend> => {
    const tries: Array<[string, FftBackend]> = [
      ['@echogarden/pffft-wasm/simd', 'wasm-simd'],
      ['@echogarden/pffft-wasm', 'wasm'],
    ];
    for (const [spec, backend] of tries) {
      try {
        const m = (await import(spec)) as { default: PffftFactory };
        let inst: WebAssembly.Instance | null = null;
        let mod: PffftModule;
        try {
          mod = await m.default({ instantiateWasm: instantiateHook(spec, (i) => (inst = i)) });
        } catch {
          // our own instantiation failed (e.g. the file is elsewhere): let the glue load it
          inst = null;
          mod = await m.default();
        }
        // Smoke test: a failed SIMD instantiation must not leave us with a broken module.
        const s = mod._pffft_new_setup(64, 0);
        if (!s) continue;
        mod._pffft_destroy_setup(s);
        wasm = { mod, backend, core: coreOf(mod, backend, inst) };
        return backend;
      } catch {
        // try the next build
      }
    }
    return 'js';
  })();
  return initPromise;
}

// Start loading at import, so a pipeline that never awaits initDsp() still switches to WASM within
// milliseconds (FFTs created before that stay on JS; results agree to ~1e-7). Callers that want
// WASM from the very first frame await initDsp().
void initDsp();

/** The backend a new FFT of size n would use right now. */
export function fftBackend(n = 2048): FftBackend {
  return wasm && pffftSupports(n) ? wasm.backend : 'js';
}

/** PFFFT real transforms need N = 2^a·3^b·5^c with N a multiple of 32. */
export function pffftSupports(n: number): boolean {
  if (!Number.isInteger(n) || n < 32 || n % 32 !== 0) return false;
  let m = n;
  for (const p of [2, 3, 5]) while (m % p === 0) m /= p;
  return m === 1;
}

/** A real FFT of size n (n ≥ 2), on the fastest backend available now. */
export function createRealFft(n: number, opts: { backend?: 'auto' | 'js' } = {}): RealFft {
  if (!Number.isInteger(n) || n < 2) throw new Error(`FFT size must be an integer ≥ 2, got ${n}`);
  if (opts.backend !== 'js' && wasm && pffftSupports(n)) return new PffftReal(n, wasm.mod, wasm.backend);
  return new JsReal(n);
}

class PffftReal implements RealFft {
  readonly backend: FftBackend;
  private readonly setup: number;
  private readonly inPtr: number;
  private readonly outPtr: number;
  private readonly workPtr: number;

  constructor(
    readonly n: number,
    private readonly mod: PffftModule,
    backend: FftBackend,
  ) {
    this.backend = backend;
    this.setup = mod._pffft_new_setup(n, 0);
    if (!this.setup) throw new Error(`pffft: cannot set up a real FFT of size ${n}`);
    this.inPtr = mod._pffft_aligned_malloc(n * 4);
    this.outPtr = mod._pffft_aligned_malloc(n * 4);
    this.workPtr = mod._pffft_aligned_malloc(n * 4);
    // Free the wasm buffers when this object is collected (setups are small, but a long-running
    // monitor creates adaptive-hop analysers per event).
    const ptrs = [this.setup, this.inPtr, this.outPtr, this.workPtr];
    fftRegistry.register(this, ptrs);
  }

  private run(input: Float32Array, offset: number): Float32Array {
    const n = this.n;
    const heap = this.mod.HEAPF32; // re-read: the view is replaced if wasm memory grows
    heap.set(input.subarray(offset, offset + n), this.inPtr >> 2);
    this.mod._pffft_transform_ordered(this.setup, this.inPtr, this.outPtr, this.workPtr, 0);
    return this.mod.HEAPF32;
  }

  windowedPower(input: Float32Array, offset: number, window: Float32Array, out: Float32Array | Float64Array): void {
    const n = this.n;
    let heap = this.mod.HEAPF32;
    const ip = this.inPtr >> 2;
    // unrolled by 4 (n is a multiple of 32): fewer loop checks on the hottest JS loop of the STFT
    for (let i = 0; i < n; i += 4) {
      heap[ip + i] = input[offset + i] * window[i];
      heap[ip + i + 1] = input[offset + i + 1] * window[i + 1];
      heap[ip + i + 2] = input[offset + i + 2] * window[i + 2];
      heap[ip + i + 3] = input[offset + i + 3] * window[i + 3];
    }
    this.mod._pffft_transform_ordered(this.setup, this.inPtr, this.outPtr, this.workPtr, 0);
    heap = this.mod.HEAPF32;
    this.powerFromHeap(heap, out);
  }

  power(input: Float32Array, out: Float32Array | Float64Array, offset = 0): void {
    this.powerFromHeap(this.run(input, offset), out);
  }

  private powerFromHeap(heap: Float32Array, out: Float32Array | Float64Array): void {
    const o = this.outPtr >> 2;
    const h = this.n >> 1;
    // Ordered real layout: [X0, X_{n/2}, re1, im1, re2, im2, ...].
    const dc = heap[o];
    const ny = heap[o + 1];
    out[0] = dc * dc;
    out[h] = ny * ny;
    for (let k = 1, j = o + 2; k < h; k++, j += 2) {
      const re = heap[j];
      const im = heap[j + 1];
      out[k] = re * re + im * im;
    }
  }

  forward(input: Float32Array, re: Float64Array, im: Float64Array, offset = 0): void {
    const heap = this.run(input, offset);
    const o = this.outPtr >> 2;
    const h = this.n >> 1;
    re[0] = heap[o];
    im[0] = 0;
    re[h] = heap[o + 1];
    im[h] = 0;
    for (let k = 1, j = o + 2; k < h; k++, j += 2) {
      re[k] = heap[j];
      im[k] = heap[j + 1];
    }
  }
}

/**
 * Polyphase overlap-save through the WASM FFT, for rational resampling L/M: each n-sample block
 * of the input is read de-interleaved into M streams (stream s = samples offset + s + M·k), and
 * output q (q < L) = Σ_s stream s ⊛ kernel[q][s] (circular, n points). Outputs t ≥ K − 1 equal the
 * linear convolution; those n − K + 1 are what `run` hands back. Working at 1/M of the input
 * rate costs M forward and L inverse transforms per M·(n − K + 1) input samples, where filtering
 * the whole input and keeping every M-th output cost 1 forward and L inverse per n − K + 1.
 */
export interface PolyConvolver {
  readonly n: number;
  /** K: every kernel has this length. */
  readonly kernelLength: number;
  /** M: input streams. */
  readonly streams: number;
  /** L: outputs. */
  readonly outputs: number;
  /**
   * Block x[offset + s + M·k] (k < n) of every stream s → the valid outputs t ∈ [K − 1, n) of
   * every output q, interleaved: out[(t − K + 1)·L + q] ((n − K + 1)·L values).
   */
  run(x: Float32Array, offset: number, out: Float32Array): void;
}

/** kernels[q][s]: L × M kernels of equal length ≤ n. Null when the WASM FFT (and its copy kernel) is not loaded or cannot do size n. */
export function createPolyConvolver(kernels: readonly (readonly Float32Array[])[], n: number): PolyConvolver | null {
  const flat = kernels.flat();
  if (!wasm?.core || !pffftSupports(n) || kernels.length === 0 || kernels[0].length === 0) return null;
  if (kernels.some((row) => row.length !== kernels[0].length) || flat.some((k) => k.length > n || k.length !== flat[0].length)) return null;
  const copy = stridedCopyModule();
  if (!copy) return null;
  const { stride } = new WebAssembly.Instance(copy, { env: { memory: wasm.core.memory } }).exports as unknown as { stride: StridedCopy };
  const simd = simdCopyModule();
  const lanes = simd ? (new WebAssembly.Instance(simd, { env: { memory: wasm.core.memory } }).exports as unknown as LaneCopies) : null;
  return new PffftPolyConvolver(kernels, n, wasm.mod, stride, lanes);
}

/**
 * The two strided copies of the 48 kHz → 32 kHz path (M = 3, L = 2) four lanes at a time, by
 * shuffles: the scalar copies had cost ~4 % of a whole replay. deint3: d_s[k] = src[3k + s] for
 * k < 4·count4; weave2: dst[2k] = a[k], dst[2k + 1] = b[k] for k < 4·count4.
 */
interface LaneCopies {
  deint3(src: number, d0: number, d1: number, d2: number, count4: number): void;
  weave2(a: number, b: number, dst: number, count4: number): void;
}

/** Byte lanes of i8x16.shuffle for float lanes `f` (0–3: first operand, 4–7: second). */
const floatLanes = (f: readonly number[]): number[] => f.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]);

/** The SIMD copy module's bytes (exported for tests: it must validate). */
export function laneCopyBinary(): Uint8Array<ArrayBuffer> {
  const b = new ModuleBuilder(1);
  const i32 = 'i32' as const;
  b.func('deint3', { params: [i32, i32, i32, i32, i32], results: [] }, (c) => {
    const [src, d0, d1, d2, count] = [0, 1, 2, 3, 4];
    const k = c.local('i32');
    const A = c.local('v128'), B = c.local('v128'), C = c.local('v128');
    c.forRange(k, () => c.i32(0), count, 1, () => {
      c.get(src).v128Load(0).set(A);
      c.get(src).v128Load(16).set(B);
      c.get(src).v128Load(32).set(C);
      // stream 0: A0 A3 B2 C1; stream 1: A1 B0 B3 C2; stream 2: A2 B1 C0 C3
      c.get(d0).get(A).get(B).i8x16Shuffle(floatLanes([0, 3, 6, 7])).get(C).i8x16Shuffle(floatLanes([0, 1, 2, 5])).v128Store(0);
      c.get(d1).get(A).get(B).i8x16Shuffle(floatLanes([1, 4, 7, 7])).get(C).i8x16Shuffle(floatLanes([0, 1, 2, 6])).v128Store(0);
      c.get(d2).get(A).get(B).i8x16Shuffle(floatLanes([2, 5, 0, 0])).get(C).i8x16Shuffle(floatLanes([0, 1, 4, 7])).v128Store(0);
      c.get(src).i32(48).i32Add().set(src);
      c.get(d0).i32(16).i32Add().set(d0);
      c.get(d1).i32(16).i32Add().set(d1);
      c.get(d2).i32(16).i32Add().set(d2);
    });
  });
  b.func('weave2', { params: [i32, i32, i32, i32], results: [] }, (c) => {
    const [a, bb, dst, count] = [0, 1, 2, 3];
    const k = c.local('i32');
    const X = c.local('v128'), Y = c.local('v128');
    c.forRange(k, () => c.i32(0), count, 1, () => {
      c.get(a).v128Load(0).set(X);
      c.get(bb).v128Load(0).set(Y);
      c.get(dst).get(X).get(Y).i8x16Shuffle(floatLanes([0, 4, 1, 5])).v128Store(0);
      c.get(dst).get(X).get(Y).i8x16Shuffle(floatLanes([2, 6, 3, 7])).v128Store(16);
      c.get(a).i32(16).i32Add().set(a);
      c.get(bb).i32(16).i32Add().set(bb);
      c.get(dst).i32(32).i32Add().set(dst);
    });
  });
  return b.encode();
}

const simdCopyModule = compiledOnce(laneCopyBinary);

/** stride(src, srcStepBytes, dst, dstStepBytes, count): dst[k·dstStep] = src[k·srcStep], float32, k < count. */
type StridedCopy = (src: number, srcStep: number, dst: number, dstStep: number, count: number) => void;

class PffftPolyConvolver implements PolyConvolver {
  readonly kernelLength: number;
  readonly streams: number;
  readonly outputs: number;
  private readonly setup: number;
  /** Kernel spectra, [q·M + s]. */
  private readonly kPtrs: number[];
  /** The block as read (M·n samples), de-interleaved into its streams in WASM. */
  private readonly rawPtr: number;
  /** One block per stream (its spectrum after the forward transform). */
  private readonly inPtrs: number[];
  /** One filtered block per output. */
  private readonly accPtrs: number[];
  /** The valid outputs, interleaved. */
  private readonly outPtr: number;
  private readonly workPtr: number;
  /** The SIMD copies where this plan's M, L and K allow them, else null (scalar strided copies). */
  private readonly deint: LaneCopies | null;
  private readonly weave: LaneCopies | null;

  constructor(
    kernels: readonly (readonly Float32Array[])[],
    readonly n: number,
    private readonly mod: PffftModule,
    /** Strided copies in WASM: a strided JS loop over the WASM heap cost ~2 ns a sample, more than the transforms. */
    private readonly stride: StridedCopy,
    /** The same four lanes at a time, for M = 3 and L = 2 (null without SIMD). */
    lanes: LaneCopies | null = null,
  ) {
    this.outputs = kernels.length;
    this.streams = kernels[0].length;
    this.kernelLength = kernels[0][0].length;
    this.deint = lanes !== null && this.streams === 3 && n % 4 === 0 ? lanes : null;
    // weave2 writes whole vectors: up to 3 outputs per phase past S, inside out's L·n floats when K ≥ 4
    this.weave = lanes !== null && this.outputs === 2 && this.kernelLength >= 4 ? lanes : null;
    this.setup = mod._pffft_new_setup(n, 0);
    if (!this.setup) throw new Error(`pffft: cannot set up a real FFT of size ${n}`);
    const flat = kernels.flat();
    const M = this.streams, L = this.outputs;
    const ptrs = [mod._pffft_aligned_malloc(flat.length * n * 4), mod._pffft_aligned_malloc(M * n * 4), mod._pffft_aligned_malloc(M * n * 4), mod._pffft_aligned_malloc((L * n + 4) * 4), mod._pffft_aligned_malloc((L * n + 8) * 4), mod._pffft_aligned_malloc(n * 4)];
    if (ptrs.some((p) => !p)) throw new Error('pffft: out of WASM memory');
    const [kBase, raw, inBase, accBase, out, work] = ptrs;
    this.kPtrs = flat.map((_, k) => kBase + k * n * 4);
    this.rawPtr = raw;
    this.inPtrs = kernels[0].map((_, s) => inBase + s * n * 4);
    this.accPtrs = kernels.map((_, q) => accBase + q * n * 4);
    this.outPtr = out;
    this.workPtr = work;
    const tmp = this.accPtrs[0];
    flat.forEach((kernel, k) => {
      const heap = mod.HEAPF32;
      heap.fill(0, tmp >> 2, (tmp >> 2) + n);
      heap.set(kernel, tmp >> 2);
      // kernel spectrum in PFFFT's internal (unordered) layout, as zconvolve expects
      mod._pffft_transform(this.setup, tmp, this.kPtrs[k], this.workPtr, 0);
    });
    fftRegistry.register(this, [this.setup, ...ptrs]);
  }

  run(x: Float32Array, offset: number, out: Float32Array): void {
    const { n, mod, streams: M, outputs: L, setup, workPtr, stride } = this;
    const K = this.kernelLength;
    const S = n - K + 1;
    mod.HEAPF32.set(x.subarray(offset, offset + M * n), this.rawPtr >> 2);
    const { deint, weave } = this;
    if (deint) deint.deint3(this.rawPtr, this.inPtrs[0], this.inPtrs[1], this.inPtrs[2], n >> 2);
    for (let s = 0; s < M; s++) {
      const p = this.inPtrs[s];
      if (!deint) stride(this.rawPtr + 4 * s, 4 * M, p, 4, n);
      mod._pffft_transform(setup, p, p, workPtr, 0);
    }
    for (let q = 0; q < L; q++) {
      const acc = this.accPtrs[q];
      mod.HEAPF32.fill(0, acc >> 2, (acc >> 2) + n);
      for (let s = 0; s < M; s++) mod._pffft_zconvolve_accumulate(setup, this.inPtrs[s], this.kPtrs[q * M + s], acc, 1 / n);
      mod._pffft_transform(setup, acc, acc, workPtr, 1);
      if (!weave) stride(acc + 4 * (K - 1), 4, this.outPtr + 4 * q, 4 * L, S);
    }
    if (weave) weave.weave2(this.accPtrs[0] + 4 * (K - 1), this.accPtrs[1] + 4 * (K - 1), this.outPtr, (S + 3) >> 2);
    const o = this.outPtr >> 2;
    out.set(mod.HEAPF32.subarray(o, o + S * L));
  }
}

function stridedCopyBinary(): Uint8Array<ArrayBuffer> {
  const b = new ModuleBuilder(1);
  const i32 = 'i32' as const;
  b.func('stride', { params: [i32, i32, i32, i32, i32], results: [] }, (c) => {
    const [src, srcStep, dst, dstStep, count] = [0, 1, 2, 3, 4];
    const end = c.local('i32');
    c.get(dst).get(dstStep).get(count).i32Mul().i32Add().set(end);
    c.block(() => {
      c.get(dst).get(end).i32LtU().i32Eqz().brIf(0);
      c.loop(() => {
        c.get(dst).get(src).f32Load().f32Store();
        c.get(src).get(srcStep).i32Add().set(src);
        c.get(dst).get(dstStep).i32Add().tee(dst).get(end).i32LtU().brIf(0);
      });
    });
  });
  return b.encode();
}

const stridedCopyModule = compiledOnce(stridedCopyBinary);

const fftRegistry = new FinalizationRegistry<number[]>((ptrs) => {
  const w = wasm;
  if (!w) return;
  w.mod._pffft_destroy_setup(ptrs[0]);
  for (let i = 1; i < ptrs.length; i++) w.mod._pffft_aligned_free(ptrs[i]);
});

/**
 * Pure-JS float64 real FFT. Even n with n/2 a power of two: one complex FFT of n/2 points plus the
 * usual split. Any other n: Bluestein's chirp-z through a power-of-two complex FFT.
 */
class JsReal implements RealFft {
  readonly backend: FftBackend = 'js';
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly pow2Half: boolean;
  private readonly cplx: ComplexFft | null;
  private readonly blue: Bluestein | null;
  private readonly twRe: Float64Array;
  private readonly twIm: Float64Array;

  constructor(readonly n: number) {
    const h = n >> 1;
    this.pow2Half = n % 2 === 0 && isPow2(h);
    this.re = new Float64Array(n / 2 + 1);
    this.im = new Float64Array(n / 2 + 1);
    if (this.pow2Half) {
      this.cplx = new ComplexFft(h);
      this.blue = null;
      this.twRe = new Float64Array(h);
      this.twIm = new Float64Array(h);
      for (let k = 0; k < h; k++) {
        this.twRe[k] = Math.cos((-2 * Math.PI * k) / n);
        this.twIm[k] = Math.sin((-2 * Math.PI * k) / n);
      }
    } else {
      this.cplx = null;
      this.blue = new Bluestein(n);
      this.twRe = new Float64Array(0);
      this.twIm = new Float64Array(0);
    }
  }

  forward(input: Float32Array, re: Float64Array, im: Float64Array, offset = 0): void {
    const n = this.n;
    const h = n >> 1;
    if (this.cplx) {
      const c = this.cplx;
      for (let i = 0; i < h; i++) {
        c.re[i] = input[offset + 2 * i];
        c.im[i] = input[offset + 2 * i + 1];
      }
      c.transform();
      // Split the packed transform Z = FFT(x_even + i·x_odd) into the real signal's spectrum.
      for (let k = 0; k <= h; k++) {
        const a = k % h;
        const b = (h - k) % h;
        const zr = c.re[a];
        const zi = c.im[a];
        const wr = c.re[b];
        const wi = -c.im[b];
        const er = 0.5 * (zr + wr);
        const ei = 0.5 * (zi + wi);
        const orr = 0.5 * (zi - wi);
        const oi = -0.5 * (zr - wr);
        const tr = k < h ? this.twRe[k] : -1;
        const ti = k < h ? this.twIm[k] : 0;
        re[k] = er + tr * orr - ti * oi;
        im[k] = ei + tr * oi + ti * orr;
      }
    } else {
      this.blue!.forward(input, offset, re, im);
    }
  }

  windowedPower(input: Float32Array, offset: number, window: Float32Array, out: Float32Array | Float64Array): void {
    const b = this.wbuf ?? (this.wbuf = new Float32Array(this.n));
    for (let i = 0; i < this.n; i++) b[i] = input[offset + i] * window[i];
    this.power(b, out);
  }

  private wbuf: Float32Array | null = null;

  power(input: Float32Array, out: Float32Array | Float64Array, offset = 0): void {
    this.forward(input, this.re, this.im, offset);
    const re = this.re;
    const im = this.im;
    for (let k = 0; k < re.length; k++) out[k] = re[k] * re[k] + im[k] * im[k];
  }
}

function isPow2(n: number): boolean {
  return n >= 1 && (n & (n - 1)) === 0;
}

/** In-place iterative radix-2 complex FFT (forward, e^{-i}). */
class ComplexFft {
  readonly re: Float64Array;
  readonly im: Float64Array;
  private readonly rev: Uint32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(readonly n: number) {
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
    this.rev = new Uint32Array(n);
    let bits = 0;
    while (1 << bits < n) bits++;
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    this.cos = new Float64Array(n >> 1 || 1);
    this.sin = new Float64Array(n >> 1 || 1);
    for (let k = 0; k < n >> 1; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
  }

  transform(): void {
    const { re, im, rev, n } = this;
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j > i) {
        let t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    for (let size = 2; size <= n; size <<= 1) {
      const half = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0, t = 0; k < half; k++, t += step) {
          const wr = this.cos[t];
          const wi = this.sin[t];
          const a = start + k;
          const b = a + half;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}

/** Bluestein chirp-z: a DFT of any length through a power-of-two convolution. */
class Bluestein {
  private readonly m: number;
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;
  private readonly bRe: Float64Array;
  private readonly bIm: Float64Array;
  private readonly fft: ComplexFft;

  constructor(private readonly n: number) {
    let m = 1;
    while (m < 2 * n - 1) m <<= 1;
    this.m = m;
    this.wRe = new Float64Array(n);
    this.wIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      // k² mod 2n keeps the angle small and exact for large k.
      const ang = (Math.PI * ((k * k) % (2 * n))) / n;
      this.wRe[k] = Math.cos(ang);
      this.wIm[k] = -Math.sin(ang);
    }
    this.fft = new ComplexFft(m);
    const f = this.fft;
    f.re.fill(0);
    f.im.fill(0);
    for (let k = 0; k < n; k++) {
      f.re[k] = this.wRe[k];
      f.im[k] = -this.wIm[k];
      if (k > 0) {
        f.re[m - k] = this.wRe[k];
        f.im[m - k] = -this.wIm[k];
      }
    }
    f.transform();
    this.bRe = Float64Array.from(f.re);
    this.bIm = Float64Array.from(f.im);
  }

  forward(input: Float32Array, offset: number, re: Float64Array, im: Float64Array): void {
    const { n, m, fft: f } = this;
    f.re.fill(0);
    f.im.fill(0);
    for (let k = 0; k < n; k++) {
      const x = input[offset + k];
      f.re[k] = x * this.wRe[k];
      f.im[k] = x * this.wIm[k];
    }
    f.transform();
    for (let k = 0; k < m; k++) {
      const ar = f.re[k];
      const ai = f.im[k];
      const br = this.bRe[k];
      const bi = this.bIm[k];
      f.re[k] = ar * br - ai * bi;
      // conjugate for the inverse transform done with the forward routine
      f.im[k] = -(ar * bi + ai * br);
    }
    f.transform();
    const h = n >> 1;
    for (let k = 0; k <= h; k++) {
      const cr = f.re[k] / m;
      const ci = -f.im[k] / m;
      re[k] = cr * this.wRe[k] - ci * this.wIm[k];
      im[k] = cr * this.wIm[k] + ci * this.wRe[k];
    }
  }
}
