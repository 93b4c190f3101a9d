// The resampler's direct polyphase sum as one WebAssembly SIMD call per drain: for each output,
// a dot product of K taps (4 lanes at a time) against the input history, then the exact integer
// phase step (p += M; while p ≥ L: p −= L, next input). Ratios with many phases (44100→32000 =
// 320/441) cannot take the FFT path and spent ~270× real time in the JS loop, which a 44.1 kHz
// live station pays continuously.
//
// Numerics: float32 products summed in 4 float32 lanes, where the JS loop sums in float64:
// outputs agree to ~1e-6 of full scale (test/streams/dsp/poly-kernel.test.ts).
import { HeapBuffer, wasmDspCore, type WasmDspCore } from './fft.ts';
import { compiledOnce, ModuleBuilder } from './wasm-asm.ts';

interface KernelExports {
  poly(buf: number, table: number, kBytes: number, out: number, count: number, baseBytes: number, p: number, up: number, down: number): void;
}

/** The kernel module's bytes (exported for tests: it must validate). */
export function polyKernelBinary(): Uint8Array<ArrayBuffer> {
  const b = new ModuleBuilder(1);
  const i32 = 'i32' as const;
  b.func('poly', { params: [i32, i32, i32, i32, i32, i32, i32, i32, i32], results: [] }, (c) => {
    const [buf, table, kB, out, count, base, p, up, down] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const o = c.local('i32');
    const a = c.local('i32');
    const w = c.local('i32');
    const e = c.local('i32');
    const op = c.local('i32');
    const acc = c.local('v128');
    c.get(out).set(op);
    c.forRange(o, () => c.i32(0), count, 1, () => {
      c.get(buf).get(base).i32Add().set(a);
      c.get(table).get(p).get(kB).i32Mul().i32Add().tee(w).get(kB).i32Add().set(e);
      c.f32(0).f32x4Splat().set(acc);
      // K is padded to a multiple of 4 taps with zero weights, so every row is whole vectors
      c.loop(() => {
        c.get(acc).get(a).v128Load().get(w).v128Load().f32x4Mul().f32x4Add().set(acc);
        c.get(a).i32(16).i32Add().set(a);
        c.get(w).i32(16).i32Add().tee(w).get(e).i32LtU().brIf(0);
      });
      c.get(op);
      c.get(acc).f32x4ExtractLane(0).get(acc).f32x4ExtractLane(1).f32Add();
      c.get(acc).f32x4ExtractLane(2).get(acc).f32x4ExtractLane(3).f32Add();
      c.f32Add().f32Store(0);
      c.get(op).i32(4).i32Add().set(op);
      // p += M; while (p ≥ L) { p −= L; base += 4 bytes }
      c.get(p).get(down).i32Add().set(p);
      c.block(() => {
        c.loop(() => {
          c.get(p).get(up).i32LtU().brIf(1);
          c.get(p).get(up).i32Sub().set(p);
          c.get(base).i32(4).i32Add().set(base);
          c.br(0);
        });
      });
    });
  });
  return b.encode();
}

/** No SIMD on this runtime → null, and the JS path stays in use. */
const kernelModule = compiledOnce(polyKernelBinary);

const registry = new FinalizationRegistry<{ list: number[] }>((p) => {
  const core = wasmDspCore();
  if (!core) return;
  for (const x of p.list) core.mod._pffft_aligned_free(x);
});

/** One resampler's phase table in WASM memory, and scratch for its input history and outputs. */
export class WasmPolyKernel {
  /** Taps per row as stored: K rounded up to whole vectors of 4. */
  readonly k4: number;
  private readonly core: WasmDspCore;
  private readonly k: KernelExports;
  private readonly table: number;
  private readonly inp: HeapBuffer;
  private readonly out: HeapBuffer;
  private readonly ptrs: { list: number[] };

  private constructor(core: WasmDspCore, inst: WebAssembly.Instance, table: Float32Array, rows: number, taps: number) {
    this.core = core;
    this.k = inst.exports as unknown as KernelExports;
    this.k4 = (taps + 3) & ~3;
    const { mod } = core;
    this.inp = new HeapBuffer(mod, 'poly kernel');
    this.out = new HeapBuffer(mod, 'poly kernel');
    this.table = mod._pffft_aligned_malloc(rows * this.k4 * 4);
    if (!this.table) throw new Error('poly kernel: out of WASM memory');
    const heap = mod.HEAPF32;
    heap.fill(0, this.table >> 2, (this.table >> 2) + rows * this.k4);
    for (let r = 0; r < rows; r++) heap.set(table.subarray(r * taps, (r + 1) * taps), (this.table >> 2) + r * this.k4);
    this.ptrs = { list: [this.table] };
    registry.register(this, this.ptrs);
  }

  /** A kernel for this exact table (rows × taps), or null when WASM SIMD is unavailable. */
  static create(table: Float32Array, rows: number, taps: number): WasmPolyKernel | null {
    const core = wasmDspCore();
    if (!core || core.backend !== 'wasm-simd' || rows * taps !== table.length) return null;
    const mod = kernelModule();
    if (!mod) return null;
    try {
      const inst = new WebAssembly.Instance(mod, { env: { memory: core.memory } });
      return new WasmPolyKernel(core, inst, table, rows, taps);
    } catch {
      return null;
    }
  }

  private ensure(inFloats: number, outFloats: number): void {
    this.inp.ensure(inFloats);
    this.out.ensure(outFloats);
    this.ptrs.list = [this.table, this.inp.ptr, this.out.ptr].filter((x) => x !== 0);
  }

  /**
   * `count` outputs into out[0 ..]: output j = Σ_t row(p_j)[t] · input[base_j + t], starting at
   * input index `base` and phase `p`, stepping p by `down` modulo `up`. `input` must hold every
   * tap of the last output (its K4 − K padding reads are multiplied by zero weights).
   */
  run(input: Float32Array, inputLen: number, base: number, p: number, up: number, down: number, count: number, out: Float32Array): void {
    if (count <= 0) return;
    const pad = this.k4; // room for the zero-weight reads past the last real tap
    this.ensure(inputLen + pad, count);
    const { mod } = this.core;
    const inF = this.inp.ptr >> 2;
    mod.HEAPF32.set(input.subarray(0, inputLen), inF);
    mod.HEAPF32.fill(0, inF + inputLen, inF + inputLen + pad);
    this.k.poly(this.inp.ptr, this.table, this.k4 * 4, this.out.ptr, count, base * 4, p, up, down);
    const heap = mod.HEAPF32; // re-read: memory may have grown
    out.set(heap.subarray(this.out.ptr >> 2, (this.out.ptr >> 2) + count));
  }
}
