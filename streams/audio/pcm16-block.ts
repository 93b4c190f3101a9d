// Mono 16-bit PCM decoded by WebAssembly SIMD into memory the block owns. A replay at full speed
// spent ~11 % of its time turning 16-bit samples into floats in a JS loop (1.2 ns a sample, more
// in context); eight lanes at a time this is a small fraction of that. The block reads the file's
// bytes straight into its own memory and converts them there, so there is no copy either way:
// callers get views of that memory (valid until the next read: recycled, see recycled.ts).
// The memory never grows (a larger block is a new instance), so views stay attached.
// Exact: int16 → int32 → float32 and × 2^-15 lose nothing, as in the JS loop.
import { compiledOnce, ModuleBuilder } from '../dsp/wasm-asm.ts';
import { markRecycled } from './recycled.ts';

interface Exports {
  /** dst[k] = int16(src + 2k) / 32768 for k < count8 (a multiple of 8). */
  s16(src: number, dst: number, count8: number): void;
}

/** The kernel's bytes (exported for tests: it must validate). */
export function pcm16Binary(): Uint8Array<ArrayBuffer> {
  const b = new ModuleBuilder(1);
  const i32 = 'i32' as const;
  b.func('s16', { params: [i32, i32, i32], results: [] }, (c) => {
    const [src, dst, count] = [0, 1, 2];
    const end = c.local('i32');
    const v = c.local('v128');
    const scale = c.local('v128');
    c.f32(1 / 32768).f32x4Splat().set(scale);
    c.get(src).get(count).i32(1).i32Shl().i32Add().set(end);
    c.block(() => {
      c.get(src).get(end).i32LtU().i32Eqz().brIf(0);
      c.loop(() => {
        c.get(src).v128Load().set(v);
        c.get(dst).get(v).i32x4ExtendLowI16x8S().f32x4ConvertI32x4S().get(scale).f32x4Mul().v128Store(0);
        c.get(dst).get(v).i32x4ExtendHighI16x8S().f32x4ConvertI32x4S().get(scale).f32x4Mul().v128Store(16);
        c.get(dst).i32(32).i32Add().set(dst);
        c.get(src).i32(16).i32Add().tee(src).get(end).i32LtU().brIf(0);
      });
    });
  });
  return b.encode();
}

const kernelModule = compiledOnce(pcm16Binary);
const PAGE = 65536;

/** A block of up to `frames` mono 16-bit samples: read into `bytes`, convert, use `samples`. */
export class Pcm16Block {
  /** Where the file's bytes go: 2·frames bytes (and padding to whole vectors). */
  readonly bytes: Uint8Array;
  /** The decoded block; marked recycled. */
  readonly samples: Float32Array;
  private constructor(readonly frames: number, private readonly k: Exports, memory: WebAssembly.Memory, private readonly dst: number) {
    this.bytes = new Uint8Array(memory.buffer, 0, frames * 2);
    this.samples = new Float32Array(memory.buffer, dst, frames);
    markRecycled(this.samples);
  }

  /** Null where WebAssembly SIMD is unavailable (the caller keeps its JS decoding). */
  static create(frames: number): Pcm16Block | null {
    if (!(Number.isInteger(frames) && frames > 0)) throw new RangeError(`Pcm16Block: frames must be a positive integer, got ${frames}`);
    const mod = kernelModule();
    if (!mod) return null;
    const f8 = Math.ceil(frames / 8) * 8;
    const dst = f8 * 2; // 16-byte aligned: f8·2 is a multiple of 16
    const memory = new WebAssembly.Memory({ initial: Math.ceil((dst + f8 * 4) / PAGE) });
    try {
      const inst = new WebAssembly.Instance(mod, { env: { memory } });
      return new Pcm16Block(frames, inst.exports as unknown as Exports, memory, dst);
    } catch {
      return null;
    }
  }

  /** Decodes the first n (≤ frames) samples of `bytes` into `samples`; returns a view of them. */
  convert(n: number): Float32Array {
    if (!(n >= 0 && n <= this.frames)) throw new RangeError(`Pcm16Block: ${n} samples do not fit a block of ${this.frames}`);
    // whole vectors: the few samples past n decode stale bytes into padding nobody sees
    this.k.s16(0, this.dst, Math.ceil(n / 8) * 8);
    return this.samples.subarray(0, n);
  }
}
