import { describe, expect, it } from 'vitest';
import { ModuleBuilder, sleb, uleb } from '../../../streams/dsp/wasm-asm.ts';

describe('wasm-asm', () => {
  it('LEB128 encodings', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => uleb(-1)).toThrow(/non-negative/);
  });

  it('a built module runs: a counted loop summing float32 lanes from memory, and an imported call', () => {
    const b = new ModuleBuilder(1);
    const calls: number[] = [];
    const log = b.importFunc('log', { params: ['i32'], results: [] });
    b.func('sum', { params: ['i32', 'i32'], results: ['f32'] }, (c) => {
      // sum of n float32 at ptr, 4 at a time (n a multiple of 4), then log(n)
      const i = c.local('i32');
      const acc = c.local('v128');
      c.f32(0).f32x4Splat().set(acc);
      c.forRange(i, () => c.i32(0), 1, 16, () => {
        c.get(acc).get(0).get(i).i32Add().v128Load().f32x4Add().set(acc);
      });
      c.get(1).call(log);
      c.get(acc).f32x4ExtractLane(0).get(acc).f32x4ExtractLane(1).f32Add();
      c.get(acc).f32x4ExtractLane(2).get(acc).f32x4ExtractLane(3).f32Add().f32Add();
    });
    const memory = new WebAssembly.Memory({ initial: 1 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(b.encode()), { env: { memory, log: (n: number) => calls.push(n) } });
    const f = new Float32Array(memory.buffer);
    for (let k = 0; k < 12; k++) f[16 + k] = k + 1; // 1..12 at byte 64
    const sum = inst.exports.sum as (ptr: number, bytes: number) => number;
    expect(sum(64, 48)).toBe(78);
    expect(sum(64, 0)).toBe(0); // the loop runs zero times
    expect(calls).toEqual([48, 0]);
  });
});
