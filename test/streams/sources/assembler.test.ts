import { describe, expect, it } from 'vitest';
import { createAssembler } from '../../../streams/sources/assembler.ts';

const ramp = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => from + i);

describe('chunk assembler', () => {
  it('keeps chunk times exact over a long stream of blocks that never line up with chunks', () => {
    const a = createAssembler({ station: 'x', chunkS: 1 / 3 }); // 16,000 samples at 48 kHz: 333.3… ms, not exact in binary
    const sr = 48_000, n = 997; // 20.77 ms blocks: a chunk boundary meets a block boundary every 997 chunks
    const t0 = Date.UTC(2026, 0, 1);
    const block = new Float32Array(n);
    let worst = 0;
    let chunks = 0;
    let seqOk = true;
    for (let k = 0; k < 2_006_019; k++) {
      for (const c of a.push(block, sr, t0 + ((k * n) / sr) * 1000)) {
        seqOk &&= c.seq === chunks && c.samples.length === 16_000;
        worst = Math.max(worst, Math.abs(c.t0 - (t0 + ((chunks * 16_000) / sr) * 1000)));
        chunks++;
      }
    }
    expect(chunks).toBe(125_000); // ~11.6 h, no chunk cut short by drift
    expect(seqOk).toBe(true);
    expect(worst).toBeLessThanOrEqual(2.5e-4);
  });


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
