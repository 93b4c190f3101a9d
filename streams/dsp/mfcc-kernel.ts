// A window's pooled mel power (T × nMels) → its MFCC (T × nMfcc) as two WebAssembly SIMD calls:
// power_to_db (floored at amin) with the window's maximum, then per frame the top_db floor and the
// orthonormal DCT-II folded by symmetry as dct.ts folds it (rows k odd, k ≡ 0 and k ≡ 2 mod 4 act
// on differences, double sums and sum differences of mirrored samples), four output rows per
// vector. Every window of every station passes here; in JS the two steps cost ~100–150 µs a
// window (a log per value, ~1,400 scalar multiply-adds per frame), about a tenth of a replay.
//
// Numerics: float32 throughout, where the JS path takes logs and sums in float64. The log is
// ln(m·2^e) = e·ln 2 + 2·atanh((m − 1)/(m + 1)) with m ∈ [√½, √2) and atanh to r⁹ (error ~1e-9,
// below float32 rounding): MFCCs agree with dctFrames(powerToDb(…)) to ~1e-4 of their range
// (test/streams/dsp/mfcc-kernel.test.ts).
import { dctMatrix } from './dct.ts';
import { HeapBuffer, wasmDspCore, type WasmDspCore } from './fft.ts';
import { compiledOnce, ModuleBuilder, type Code } from './wasm-asm.ts';

interface KernelExports {
  /** In place 10·log10(max(amin, v)) over [ptr, end); returns the maximum. */
  db(ptr: number, end: number, amin: number): number;
  /** frames of src (dB, nMels each) → out (nMfcc each), values below `floor` raised to it. */
  dct(frames: number, src: number, out: number, floor: number, mats: number, fold: number): void;
  /** T rows of dst: row b = mean of src frames [bounds[b], bounds[b+1]) (i32 bounds). */
  pool(src: number, dst: number, bounds: number, T: number): void;
}

/** One group of DCT rows: output k = first + step·r (r < rows) over a folded vector of `len`. */
interface Group {
  readonly first: number;
  readonly step: number;
  readonly rows: number;
  readonly len: number;
  /** Offset of the group's fold vector in the fold scratch, floats. */
  readonly foldAt: number;
  /** Offset of its len × rows4 transposed matrix in the matrices block, floats. */
  readonly matAt: number;
}

function groupsFor(n: number, nOut: number): { groups: Group[]; matFloats: number } {
  const h = n / 2;
  const q = n / 4;
  const spec = [
    { first: 1, step: 2, len: h, foldAt: 0 },
    { first: 0, step: 4, len: q, foldAt: h },
    { first: 2, step: 4, len: q, foldAt: h + q },
  ];
  let matAt = 0;
  const groups: Group[] = [];
  for (const g of spec) {
    const rows = g.first < nOut ? Math.floor((nOut - 1 - g.first) / g.step) + 1 : 0;
    groups.push({ ...g, rows, matAt });
    matAt += g.len * ((rows + 3) & ~3);
  }
  return { groups, matFloats: matAt };
}

/** The transposed, row-padded matrices of the groups, as the kernel reads them. */
export function kernelMatrices(n: number, nOut: number): Float32Array {
  const d = dctMatrix(n, nOut);
  const { groups, matFloats } = groupsFor(n, nOut);
  const m = new Float32Array(matFloats);
  for (const g of groups) {
    const r4 = (g.rows + 3) & ~3;
    for (let j = 0; j < g.len; j++) for (let r = 0; r < g.rows; r++) m[g.matAt + j * r4 + r] = d[(g.first + g.step * r) * n + j];
  }
  return m;
}

const LN2 = Math.LN2;
const TEN_OVER_LN10 = 10 / Math.LN10;

function splatF(c: Code, v: number): Code {
  return c.f32(v).f32x4Splat();
}
function splatI(c: Code, v: number): Code {
  return c.i32(v).i32x4Splat();
}

/** The kernel module for n mel bands → nOut coefficients (exported for tests: it must validate). */
export function mfccKernelBinary(n: number, nOut: number): Uint8Array<ArrayBuffer> {
  if (n % 4 !== 0 || n < 8 || nOut < 1 || nOut > n) throw new Error(`mfcc kernel: needs nMels a multiple of 4 (≥ 8) and 1 ≤ nMfcc ≤ nMels, got ${n}, ${nOut}`);
  const { groups } = groupsFor(n, nOut);
  const b = new ModuleBuilder(1);
  const i32 = 'i32' as const;
  const f32 = 'f32' as const;
  b.func('db', { params: [i32, i32, f32], results: [f32] }, (c) => {
    const [ptr, end, amin] = [0, 1, 2];
    const v = c.local('v128');
    const e = c.local('v128');
    const m = c.local('v128');
    const mask = c.local('v128');
    const r = c.local('v128');
    const r2 = c.local('v128');
    const mx = c.local('v128');
    const am = c.local('v128');
    c.get(amin).f32x4Splat().set(am);
    splatF(c, -Infinity).set(mx);
    c.block(() => {
      c.get(ptr).get(end).i32LtU().i32Eqz().brIf(0);
      c.loop(() => {
        // pmax(amin, v) = amin < v ? v : amin: NaN and values ≤ amin give amin, as powerToDb does
        c.get(am).get(ptr).v128Load().f32x4Pmax().set(v);
        // v = m·2^e with m ∈ [1, 2), then m ∈ [√½, √2) by moving a factor 2 into e
        c.get(v).i32(23).i32x4ShrU();
        splatI(c, 127).i32x4Sub().f32x4ConvertI32x4S().set(e);
        c.get(v);
        splatI(c, 0x7fffff).v128And();
        splatI(c, 0x3f800000).v128Or().set(m);
        c.get(m);
        splatF(c, Math.SQRT2).f32x4Gt().set(mask);
        c.get(m);
        splatF(c, 0.5).f32x4Mul().get(m).get(mask).v128Bitselect().set(m);
        c.get(e);
        splatF(c, 1).get(mask).v128And().f32x4Add().set(e);
        // ln m = 2·atanh(r) = 2r·(1 + r²/3 + r⁴/5 + r⁶/7 + r⁸/9), r = (m − 1)/(m + 1), |r| < 0.172
        c.get(m);
        splatF(c, 1).f32x4Sub().get(m);
        splatF(c, 1).f32x4Add().f32x4Div().set(r);
        c.get(r).get(r).f32x4Mul().set(r2);
        c.get(r2);
        splatF(c, 1 / 9).f32x4Mul();
        splatF(c, 1 / 7).f32x4Add().get(r2).f32x4Mul();
        splatF(c, 1 / 5).f32x4Add().get(r2).f32x4Mul();
        splatF(c, 1 / 3).f32x4Add().get(r2).f32x4Mul();
        splatF(c, 1).f32x4Add().get(r).f32x4Mul();
        splatF(c, 2 * TEN_OVER_LN10).f32x4Mul();
        c.get(e);
        splatF(c, LN2 * TEN_OVER_LN10).f32x4Mul().f32x4Add().set(v);
        c.get(ptr).get(v).v128Store();
        c.get(mx).get(v).f32x4Pmax().set(mx);
        c.get(ptr).i32(16).i32Add().tee(ptr).get(end).i32LtU().brIf(0);
      });
    });
    c.get(mx).f32x4ExtractLane(0).get(mx).f32x4ExtractLane(1).f32Max();
    c.get(mx).f32x4ExtractLane(2).get(mx).f32x4ExtractLane(3).f32Max().f32Max();
  });
  b.func('dct', { params: [i32, i32, i32, f32, i32, i32], results: [] }, (c) => {
    const [frames, src, out, floor, mats, fold] = [0, 1, 2, 3, 4, 5];
    const f = c.local('i32');
    const [a, bb, cc, ee, s1, s2] = [c.local('f32'), c.local('f32'), c.local('f32'), c.local('f32'), c.local('f32'), c.local('f32')];
    const maxAcc = Math.max(...groups.map((g) => (g.rows + 3) >> 2));
    const acc = Array.from({ length: maxAcc }, () => c.local('v128'));
    const x = c.local('v128');
    const h = n / 2;
    const q = n / 4;
    c.forRange(f, () => c.i32(0), frames, 1, () => {
      // fold the frame (floored at max − top_db) into dif[h], ss[q], sd[q]
      for (let j = 0; j < q; j++) {
        c.get(src).f32Load(4 * j).get(floor).f32Max().set(a);
        c.get(src).f32Load(4 * (n - 1 - j)).get(floor).f32Max().set(bb);
        c.get(src).f32Load(4 * (h - 1 - j)).get(floor).f32Max().set(cc);
        c.get(src).f32Load(4 * (h + j)).get(floor).f32Max().set(ee);
        c.get(fold).get(a).get(bb).f32Sub().f32Store(4 * j);
        c.get(fold).get(cc).get(ee).f32Sub().f32Store(4 * (h - 1 - j));
        c.get(a).get(bb).f32Add().set(s1);
        c.get(cc).get(ee).f32Add().set(s2);
        c.get(fold).get(s1).get(s2).f32Add().f32Store(4 * (h + j));
        c.get(fold).get(s1).get(s2).f32Sub().f32Store(4 * (h + q + j));
      }
      for (const g of groups) {
        if (g.rows === 0) continue;
        const nv = (g.rows + 3) >> 2;
        const r4 = nv * 4;
        for (let i = 0; i < nv; i++) splatF(c, 0).set(acc[i]);
        for (let j = 0; j < g.len; j++) {
          c.get(fold).f32Load(4 * (g.foldAt + j)).f32x4Splat().set(x);
          for (let i = 0; i < nv; i++) c.get(acc[i]).get(x).get(mats).v128Load(4 * (g.matAt + j * r4 + 4 * i)).f32x4Mul().f32x4Add().set(acc[i]);
        }
        for (let r = 0; r < g.rows; r++) c.get(out).get(acc[r >> 2]).f32x4ExtractLane(r & 3).f32Store(4 * (g.first + g.step * r));
      }
      c.get(src).i32(4 * n).i32Add().set(src);
      c.get(out).i32(4 * nOut).i32Add().set(out);
    });
  });
  b.func('pool', { params: [i32, i32, i32, i32], results: [] }, (c) => {
    const [src, dst, bounds, T] = [0, 1, 2, 3];
    const bi = c.local('i32');
    const f0 = c.local('i32');
    const f1 = c.local('i32');
    const p = c.local('i32');
    const e = c.local('i32');
    const inv = c.local('v128');
    const nv = n / 4;
    const acc = Array.from({ length: nv }, () => c.local('v128'));
    const row = 4 * n;
    c.forRange(bi, () => c.i32(0), T, 1, () => {
      c.get(bounds).i32Load(0).set(f0);
      c.get(bounds).i32Load(4).set(f1);
      c.f32(1).get(f1).get(f0).i32Sub().f32ConvertI32S().f32Div().f32x4Splat().set(inv);
      c.get(src).get(f0).i32(row).i32Mul().i32Add().set(p);
      c.get(src).get(f1).i32(row).i32Mul().i32Add().set(e);
      // summed frame by frame in float32, first frame first, as poolMel sums
      for (let i = 0; i < nv; i++) c.get(p).v128Load(16 * i).set(acc[i]);
      c.get(p).i32(row).i32Add().set(p);
      c.block(() => {
        c.get(p).get(e).i32LtU().i32Eqz().brIf(0);
        c.loop(() => {
          for (let i = 0; i < nv; i++) c.get(acc[i]).get(p).v128Load(16 * i).f32x4Add().set(acc[i]);
          c.get(p).i32(row).i32Add().tee(p).get(e).i32LtU().brIf(0);
        });
      });
      for (let i = 0; i < nv; i++) c.get(dst).get(acc[i]).get(inv).f32x4Mul().v128Store(16 * i);
      c.get(dst).i32(row).i32Add().set(dst);
      c.get(bounds).i32(4).i32Add().set(bounds);
    });
  });
  return b.encode();
}

const modules = new Map<string, () => WebAssembly.Module | null>();

/** One kernel per (nMels, nMfcc): its module, matrices and scratch in WASM memory. */
export class WasmMfccKernel {
  private readonly k: KernelExports;
  private readonly mats: number;
  private readonly fold: number;
  private readonly buf: HeapBuffer;

  private constructor(
    private readonly core: WasmDspCore,
    inst: WebAssembly.Instance,
    readonly nMels: number,
    readonly nMfcc: number,
  ) {
    this.k = inst.exports as unknown as KernelExports;
    const m = kernelMatrices(nMels, nMfcc);
    const { mod } = core;
    this.buf = new HeapBuffer(mod, 'mfcc kernel');
    this.mats = mod._pffft_aligned_malloc(m.length * 4);
    this.fold = mod._pffft_aligned_malloc(nMels * 4);
    if (!this.mats || !this.fold) throw new Error('mfcc kernel: out of WASM memory');
    mod.HEAPF32.set(m, this.mats >> 2);
  }

  /** A kernel, or null when WASM SIMD is not loaded here (callers keep the JS path). */
  static create(nMels: number, nMfcc: number): WasmMfccKernel | null {
    const core = wasmDspCore();
    if (!core || core.backend !== 'wasm-simd' || nMels % 4 !== 0 || nMels < 8 || nMfcc < 1 || nMfcc > nMels) return null;
    const key = `${nMels}|${nMfcc}`;
    let get = modules.get(key);
    if (!get) {
      get = compiledOnce(() => mfccKernelBinary(nMels, nMfcc));
      modules.set(key, get);
    }
    const mod = get();
    if (!mod) return null;
    try {
      return new WasmMfccKernel(core, new WebAssembly.Instance(mod, { env: { memory: core.memory } }), nMels, nMfcc);
    } catch {
      return null;
    }
  }

  /**
   * MFCC of `count` ≥ T mel power frames pooled into T equal contiguous bins by averaging (as
   * adaptive.ts poolMel), then as run().
   */
  runPooled(mel: Float32Array, count: number, T: number, amin: number, topDb: number | null, out: Float32Array): Float32Array {
    if (count < T) throw new Error(`mfcc kernel: ${count} frames cannot fill ${T} bins`);
    const inF = count * this.nMels;
    const poolF = T * this.nMels;
    const src = this.buf.ensure(inF + poolF + T * this.nMfcc + T + 1);
    const pooled = src + inF * 4;
    const dst = pooled + poolF * 4;
    const bounds = dst + T * this.nMfcc * 4;
    const { mod } = this.core;
    mod.HEAPF32.set(mel.subarray(0, inF), src >> 2);
    const b32 = new Int32Array(mod.HEAPF32.buffer, bounds, T + 1);
    for (let b = 0; b <= T; b++) b32[b] = Math.floor((b * count) / T);
    this.k.pool(src, pooled, bounds, T);
    return this.finish(pooled, T, dst, amin, topDb, out);
  }

  private finish(src: number, frames: number, dst: number, amin: number, topDb: number | null, out: Float32Array): Float32Array {
    const max = this.k.db(src, src + frames * this.nMels * 4, amin);
    const floor = topDb === null ? -Infinity : max - topDb;
    this.k.dct(frames, src, dst, floor, this.mats, this.fold);
    out.set(this.core.mod.HEAPF32.subarray(dst >> 2, (dst >> 2) + frames * this.nMfcc));
    return out;
  }

  /**
   * MFCC of `frames` mel power frames: power_to_db (ref 1, amin), floored at max − topDb (null:
   * no floor), DCT-II ortho, into out (frames × nMfcc).
   */
  run(mel: Float32Array, frames: number, amin: number, topDb: number | null, out: Float32Array): Float32Array {
    const inF = frames * this.nMels;
    const src = this.buf.ensure(inF + frames * this.nMfcc);
    this.core.mod.HEAPF32.set(mel.subarray(0, inF), src >> 2);
    return this.finish(src, frames, src + inF * 4, amin, topDb, out);
  }
}

const shared = new Map<string, WasmMfccKernel | null>();

/** The kernel for (nMels, nMfcc), made once: callers run synchronously, so one scratch serves all. */
export function sharedMfccKernel(nMels: number, nMfcc: number): WasmMfccKernel | null {
  const key = `${nMels}|${nMfcc}`;
  let k = shared.get(key);
  // not cached while the WASM FFT is still loading: the next call may find it
  if (k === undefined) {
    k = WasmMfccKernel.create(nMels, nMfcc);
    if (k || wasmDspCore()) shared.set(key, k);
  }
  return k;
}
