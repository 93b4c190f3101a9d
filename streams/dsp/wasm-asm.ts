// A minimal WebAssembly binary writer: just enough to emit small numeric kernels (i32/f32 scalar
// and 128-bit SIMD loops) that share memory with the PFFFT module. Why not a .wasm file: there is
// no wat/clang toolchain in the project, and a few dozen instructions are clearer as code that
// names them than as an opaque binary blob.

export type ValType = 'i32' | 'f32' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`uleb: ${n} is not a non-negative integer`);
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** Signed LEB128 (32-bit range). */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n)) throw new RangeError(`sleb: ${n} is not an integer`);
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

function str(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** Instruction emitter for one function body. Locals are indices (params first). */
export class Code {
  readonly bytes: number[] = [];
  private readonly extra: ValType[] = [];

  constructor(private readonly nParams: number) {}

  /** Declares a local of type t; returns its index. */
  local(t: ValType): number {
    this.extra.push(t);
    return this.nParams + this.extra.length - 1;
  }

  private op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  private simd(code: number, ...rest: number[]): this {
    return this.op(0xfd, ...uleb(code), ...rest);
  }

  get(i: number): this { return this.op(0x20, ...uleb(i)); }
  set(i: number): this { return this.op(0x21, ...uleb(i)); }
  tee(i: number): this { return this.op(0x22, ...uleb(i)); }
  i32(v: number): this { return this.op(0x41, ...sleb(v | 0)); }
  f32(v: number): this {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return this.op(0x43, ...b);
  }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32Shl(): this { return this.op(0x74); }
  shrU(): this { return this.op(0x76); }
  i32LtU(): this { return this.op(0x49); }
  i32Eqz(): this { return this.op(0x45); }
  i32Load(offset = 0): this { return this.op(0x28, 2, ...uleb(offset)); }
  f32Load(offset = 0): this { return this.op(0x2a, 2, ...uleb(offset)); }
  f32Store(offset = 0): this { return this.op(0x38, 2, ...uleb(offset)); }
  f32Add(): this { return this.op(0x92); }
  f32Mul(): this { return this.op(0x94); }
  f32Sub(): this { return this.op(0x93); }
  f32Max(): this { return this.op(0x97); }
  f32Div(): this { return this.op(0x95); }
  f32ConvertI32S(): this { return this.op(0xb2); }
  /** Alignment hint 0: the addresses these kernels use need not be 16-byte aligned. */
  v128Load(offset = 0): this { return this.simd(0x00, 0, ...uleb(offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, 0, ...uleb(offset)); }
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) throw new Error('i8x16.shuffle needs 16 lane indices');
    return this.simd(0x0d, ...lanes);
  }
  f32x4Splat(): this { return this.simd(0x13); }
  i32x4Splat(): this { return this.simd(0x11); }
  v128And(): this { return this.simd(0x4e); }
  v128Or(): this { return this.simd(0x50); }
  /** (a & mask) | (b & ~mask), operands pushed a, b, mask. */
  v128Bitselect(): this { return this.simd(0x52); }
  i32x4ShrU(): this { return this.simd(0xad); }
  i32x4Add(): this { return this.simd(0xae); }
  i32x4Sub(): this { return this.simd(0xb1); }
  f32x4Gt(): this { return this.simd(0x44); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Div(): this { return this.simd(0xe7); }
  f32x4Max(): this { return this.simd(0xe9); }
  /** a < b ? b : a for operands a, b (pushed in that order): a NaN in b gives a. */
  f32x4Pmax(): this { return this.simd(0xeb); }
  f32x4ConvertI32x4S(): this { return this.simd(0xfa); }
  /** The low / high four i16 lanes, sign-extended to i32. */
  i32x4ExtendLowI16x8S(): this { return this.simd(0xa7); }
  i32x4ExtendHighI16x8S(): this { return this.simd(0xa8); }
  f32x4ExtractLane(lane: number): this { return this.simd(0x1f, lane); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Mul(): this { return this.simd(0xe6); }
  call(fn: number): this { return this.op(0x10, ...uleb(fn)); }
  drop(): this { return this.op(0x1a); }
  /** block … end (void); br 0 inside exits it. */
  block(body: () => void): this {
    this.op(0x02, 0x40);
    body();
    return this.op(0x0b);
  }
  /** loop … end (void); br 0 inside continues it. */
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  br(depth: number): this { return this.op(0x0c, ...uleb(depth)); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb(depth)); }

  /**
   * for (i = start; i < end; i += step) body — `i`, `end` are locals; `step` a constant.
   * Runs zero times when start ≥ end (unsigned compare).
   */
  forRange(i: number, start: () => void, end: number, step: number, body: () => void): this {
    start();
    this.set(i);
    return this.block(() => {
      this.get(i).get(end).i32LtU().i32Eqz().brIf(0);
      this.loop(() => {
        body();
        this.get(i).i32(step).i32Add().tee(i).get(end).i32LtU().brIf(0);
      });
    });
  }

  /** The encoded body: locals declaration, instructions, end. */
  encode(): number[] {
    const groups: number[][] = [];
    for (const t of this.extra) groups.push([1, VALTYPE[t]]);
    const body = [...vec(groups), ...this.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

export interface FuncSig {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

interface FuncDef {
  readonly name: string;
  readonly sig: FuncSig;
  readonly code: Code;
}

/**
 * A module that imports one memory (env.memory) and some functions (env.<name>), and defines and
 * exports functions. Imported functions take indices 0.., defined ones follow.
 */
export class ModuleBuilder {
  private readonly imports: Array<{ name: string; sig: FuncSig }> = [];
  private readonly funcs: FuncDef[] = [];

  constructor(private readonly memoryMinPages: number) {}

  importFunc(name: string, sig: FuncSig): number {
    if (this.funcs.length > 0) throw new Error('imports must be declared before functions');
    this.imports.push({ name, sig });
    return this.imports.length - 1;
  }

  func(name: string, sig: FuncSig, build: (c: Code) => void): number {
    const code = new Code(sig.params.length);
    build(code);
    this.funcs.push({ name, sig, code });
    return this.imports.length + this.funcs.length - 1;
  }

  encode(): Uint8Array<ArrayBuffer> {
    const sigs = [...this.imports.map((i) => i.sig), ...this.funcs.map((f) => f.sig)];
    const typeSec = vec(sigs.map((s) => [0x60, ...vec(s.params.map((p) => [VALTYPE[p]])), ...vec(s.results.map((r) => [VALTYPE[r]]))]));
    const importSec = vec([
      [...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(this.memoryMinPages)],
      ...this.imports.map((imp, k) => [...str('env'), ...str(imp.name), 0x00, ...uleb(k)]),
    ]);
    const funcSec = vec(this.funcs.map((_, k) => uleb(this.imports.length + k)));
    const exportSec = vec(this.funcs.map((f, k) => [...str(f.name), 0x00, ...uleb(this.imports.length + k)]));
    const codeSec = [...uleb(this.funcs.length), ...this.funcs.flatMap((f) => f.code.encode())];
    return new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, typeSec),
      ...section(2, importSec),
      ...section(3, funcSec),
      ...section(7, exportSec),
      ...section(10, codeSec),
    ]);
  }
}

/**
 * A getter that compiles `bytes()` on first use and keeps the result; null when this runtime
 * cannot compile it (no SIMD), so the caller keeps its JS path.
 */
export function compiledOnce(bytes: () => Uint8Array<ArrayBuffer>): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(bytes());
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}
