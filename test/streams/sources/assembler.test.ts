import { describe, expect, it } from 'vitest';
import { createAssembler } from '../../../streams/sources/assembler.ts';

const ramp = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => from + i);

describe('chunk assembler', () => {
  it('cuts odd-sized blocks into steady chunks with continuous times and seq', () => {
    const a = createAssembler({ station: 'x', chunkS: 0.1 }); // 100 samples at 1 kHz
    const out = [...a.push(ramp(0, 37), 1000, 0), ...a.push(ramp(37, 250), 1000, 37), ...a.push(ramp(287, 13), 1000, 287)];
    expect(out.map((c) => [c.seq, c.t0, c.samples.length])).toEqual([
      [0, 0, 100],
      [1, 100, 100],
      [2, 200, 100],
    ]);
    expect(Array.from(out[1].samples.subarray(0, 3))).toEqual([100, 101, 102]);
    expect(a.flush()).toEqual([]);
    a.push(ramp(300, 30), 1000, 300);
    expect(a.flush().map((c) => [c.seq, c.t0, c.samples.length])).toEqual([[3, 300, 30]]);
  });

  it('closes a chunk early at a time discontinuity', () => {
    const a = createAssembler({ station: 'x', chunkS: 0.1 });
    const out = [...a.push(ramp(0, 150), 1000, 0), ...a.push(ramp(0, 100), 1000, 5000)];
    expect(out.map((c) => [c.seq, c.t0, c.samples.length])).toEqual([
      [0, 0, 100],
      [1, 100, 50],
      [2, 5000, 100],
    ]);
    expect(out[0].station).toBe('x');
  });
});
