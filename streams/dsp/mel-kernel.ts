// The STFT → mel step as one WebAssembly SIMD call per run of frames: for each frame, window ×
// samples, PFFFT (called wasm-to-wasm, same memory), |X|², sparse mel triangles — no JS in between.
// In JS these steps cost ~3× the FFT itself (typed-array loads and stores one float at a time, and
// a copy into and out of the WASM heap per frame); here the samples go in once per run (each
// sample once, not nFft/hop times) and the mel values come out once.
//
// Numerics: everything in float32 (weights rounded to float32, each mel sum in 4 float32 lanes),
// where the JS path sums float32 powers with float64 weights in float64: results agree to ~1e-7
// relative (test/streams/dsp/mel-kernel.test.ts).
import { HeapBuffer, wasmDspCore, type WasmDspCore } from './fft.ts';
import { compiledOnce, ModuleBuilder } from './wasm-asm.ts';
import type { MelFilterbank } from './mel.ts';

interface KernelExports {
  mel_frames(
    sig: number, count: number, hopBytes: number, nBytes: number, win: number, setup: number,
    fin: number, fout: number, work: number, pow: number, table: number, nMels: number, out: number,
  ): void;
}

/** Shuffle lane bytes: even f32 lanes (re) and odd f32 lanes (im) of two vectors. */
const EVEN = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODD = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];

/** The kernel module's bytes (exported for tests: it must validate). */
export function melKernelBinary(): Uint8Array<ArrayBuffer> {
  const b = new ModuleBuilder(1);
  const i32 = 'i32' as const;
  const fft = b.importFunc('fft', { params: [i32, i32, i32, i32, i32], results: [] });
  b.func('mel_frames', { params: [i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32], results: [] }, (c) => {
    const [sig, count, hopB, nB, win, setup, fin, fout, work, pow, table, nMels, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const f = c.local('i32');
    const src = c.local('i32');
    const i = c.local('i32');
    const halfB = c.local('i32');
    const m = c.local('i32');
    const t = c.local('i32');
    const pp = c.local('i32');
    const wp = c.local('i32');
    const we = c.local('i32');
    const o = c.local('i32');
    const acc = c.local('v128');
    const a = c.local('v128');
    const bv = c.local('v128');
    // halfB = nB / 2 bytes = bins·4: power bins 1..h are written as h/4 groups of 16 bytes
    c.get(nB).i32(1).shrU().set(halfB);
    c.get(out).set(o);
    c.forRange(f, () => c.i32(0), count, 1, () => {
      c.get(sig).get(f).get(hopB).i32Mul().i32Add().set(src);
      // fin[i] = src[i] · win[i]
      c.forRange(i, () => c.i32(0), nB, 16, () => {
        c.get(fin).get(i).i32Add();
        c.get(src).get(i).i32Add().v128Load();
        c.get(win).get(i).i32Add().v128Load();
        c.f32x4Mul().v128Store();
      });
      c.get(setup).get(fin).get(fout).get(work).i32(0).call(fft);
      // ordered output [X0, X_{n/2}, re1, im1, re2, im2, …]: pow[k] = re_k² + im_k², k = 1..h
      c.forRange(i, () => c.i32(0), halfB, 16, () => {
        c.get(fout).get(i).get(i).i32Add().i32Add().v128Load(8).tee(a).get(a).f32x4Mul().set(a);
        c.get(fout).get(i).get(i).i32Add().i32Add().v128Load(24).tee(bv).get(bv).f32x4Mul().set(bv);
        c.get(pow).get(i).i32Add();
        c.get(a).get(bv).i8x16Shuffle(EVEN);
        c.get(a).get(bv).i8x16Shuffle(ODD);
        c.f32x4Add().v128Store(4);
      });
      c.get(pow).get(fout).f32Load(0).get(fout).f32Load(0).f32Mul().f32Store(0);
      c.get(pow).get(halfB).i32Add().get(fout).f32Load(4).get(fout).f32Load(4).f32Mul().f32Store(0);
      // mel: table entry m = [byte offset of its first bin in pow, its weights, their end]
      c.get(table).set(t);
      c.forRange(m, () => c.i32(0), nMels, 1, () => {
        c.get(pow).get(t).i32Load(0).i32Add().set(pp);
        c.get(t).i32Load(4).set(wp);
        c.get(t).i32Load(8).set(we);
        c.f32(0).f32x4Splat().set(acc);
        c.block(() => {
          c.get(wp).get(we).i32LtU().i32Eqz().brIf(0);
          c.loop(() => {
            c.get(acc).get(pp).v128Load().get(wp).v128Load().f32x4Mul().f32x4Add().set(acc);
            c.get(pp).i32(16).i32Add().set(pp);
            c.get(wp).i32(16).i32Add().tee(wp).get(we).i32LtU().brIf(0);
          });
        });
        c.get(o);
        c.get(acc).f32x4ExtractLane(0).get(acc).f32x4ExtractLane(1).f32Add();
        c.get(acc).f32x4ExtractLane(2).get(acc).f32x4ExtractLane(3).f32Add();
        c.f32Add().f32Store(0);
        c.get(o).i32(4).i32Add().set(o);
        c.get(t).i32(12).i32Add().set(t);
      });
    });
  });
  return b.encode();
}

/** No SIMD on this runtime → null, and the JS path stays in use. */
const kernelModule = compiledOnce(melKernelBinary);

/** Frames per kernel call: bounds the WASM buffers whatever the caller passes. */
const BATCH = 256;

export class WasmMelKernel {
  readonly nFft: number;
  readonly nMels: number;
  private readonly core: WasmDspCore;
  private readonly k: KernelExports;
  private readonly setup: number;
  private readonly win: number;
  private readonly fin: number;
  private readonly fout: number;
  private readonly work: number;
  private readonly pow: number;
  private readonly table: number;
  private readonly weights: number;
  private readonly sig: HeapBuffer;
  private readonly out: HeapBuffer;
  private readonly ptrs: { list: number[]; setup: number };

  private constructor(core: WasmDspCore, inst: WebAssembly.Instance, window: Float32Array, fb: MelFilterbank) {
    const { mod } = core;
    const n = window.length;
    this.core = core;
    this.sig = new HeapBuffer(mod, 'mel kernel');
    this.out = new HeapBuffer(mod, 'mel kernel');
    this.nFft = n;
    this.nMels = fb.nMels;
    this.k = inst.exports as unknown as KernelExports;
    const h = n >> 1;
    this.setup = mod._pffft_new_setup(n, 0);
    if (!this.setup) throw new Error(`pffft: cannot set up a real FFT of size ${n}`);
    const alloc = (floats: number): number => {
      const p = mod._pffft_aligned_malloc(floats * 4);
      if (!p) throw new Error('mel kernel: out of WASM memory');
      mod.HEAPF32.fill(0, p >> 2, (p >> 2) + floats);
      return p;
    };
    this.win = alloc(n);
    this.fin = alloc(n);
    this.fout = alloc(n + 16); // the power loop reads 2 floats past X's end
    this.work = alloc(n);
    this.pow = alloc(h + 1 + 8); // filters padded to 4 bins read up to 3 zeros past bin h
    let nW = 0;
    for (let m = 0; m < fb.nMels; m++) nW += (fb.length[m] + 3) & ~3;
    this.table = alloc(3 * fb.nMels);
    this.weights = alloc(Math.max(4, nW));
    this.ptrs = { list: [this.win, this.fin, this.fout, this.work, this.pow, this.table, this.weights], setup: this.setup };
    const heapF = mod.HEAPF32;
    const heapI = new Int32Array(heapF.buffer);
    let w = this.weights;
    for (let m = 0; m < fb.nMels; m++) {
      const len = fb.length[m];
      const padded = (len + 3) & ~3;
      for (let j = 0; j < len; j++) heapF[(w >> 2) + j] = fb.weights[fb.offset[m] + j];
      const e = (this.table >> 2) + 3 * m;
      heapI[e] = fb.start[m] * 4;
      heapI[e + 1] = w;
      heapI[e + 2] = w + padded * 4;
      w += padded * 4;
    }
    heapF.set(window, this.win >> 2);
    registry.register(this, this.ptrs);
  }

  /** A kernel for this window and filterbank, or null when the WASM FFT or SIMD is unavailable. */
  static create(window: Float32Array, fb: MelFilterbank): WasmMelKernel | null {
    const core = wasmDspCore();
    const n = window.length;
    if (!core || core.backend !== 'wasm-simd' || n < 32 || n % 32 !== 0 || fb.nBins !== (n >> 1) + 1) return null;
    const mod = kernelModule();
    if (!mod) return null;
    try {
      const inst = new WebAssembly.Instance(mod, { env: { memory: core.memory, fft: core.transformOrdered } });
      return new WasmMelKernel(core, inst, window, fb);
    } catch {
      return null;
    }
  }

  private ensure(sigFloats: number, outFloats: number): void {
    this.sig.ensure(sigFloats);
    this.out.ensure(outFloats);
    // only the current sig/out and the fixed buffers are live
    this.ptrs.list = [this.win, this.fin, this.fout, this.work, this.pow, this.table, this.weights, this.sig.ptr, this.out.ptr].filter((p) => p !== 0);
  }

  /**
   * `count` frames: frame f is input[offset + f·hop .. + nFft) → mel power at
   * out[outOffset + f·nMels ..]. The caller guarantees the input holds every frame's samples.
   */
  frames(input: Float32Array, offset: number, hop: number, count: number, out: Float32Array | Float64Array, outOffset: number): void {
    const { nFft, nMels } = this;
    if (offset < 0 || offset + (count - 1) * hop + nFft > input.length) {
      throw new RangeError(`mel kernel: frames ${offset}+${count}×${hop} (nFft ${nFft}) exceed the input (${input.length} samples)`);
    }
    for (let f0 = 0; f0 < count; f0 += BATCH) {
      const c = Math.min(BATCH, count - f0);
      const span = (c - 1) * hop + nFft;
      this.ensure(span, c * nMels);
      const start = offset + f0 * hop;
      this.core.mod.HEAPF32.set(input.subarray(start, start + span), this.sig.ptr >> 2);
      this.k.mel_frames(this.sig.ptr, c, hop * 4, nFft * 4, this.win, this.setup, this.fin, this.fout, this.work, this.pow, this.table, nMels, this.out.ptr);
      const heap = this.core.mod.HEAPF32; // re-read: memory may have grown
      const o = this.out.ptr >> 2;
      out.set(heap.subarray(o, o + c * nMels), outOffset + f0 * nMels);
    }
  }
}

const registry = new FinalizationRegistry<{ list: number[]; setup: number }>((p) => {
  const core = wasmDspCore();
  if (!core) return;
  core.mod._pffft_destroy_setup(p.setup);
  for (const x of p.list) core.mod._pffft_aligned_free(x);
});
