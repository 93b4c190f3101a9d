import { describe, expect, it } from 'vitest';
import { RunBuffer } from '../../streams/run-buffer.ts';
import { makeBlocks } from '../helpers/blocks.ts';

const T0 = Date.UTC(2020, 0, 1);

function signal(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

describe('RunBuffer', () => {
  const sr = 1000, hop = 10, nMels = 3;
  const mel = (f: number, m: number): number => f * 10 + m;

  it('mel views stay valid and unchanged while later blocks roll the slab over (no copy per window)', () => {
    const blocks = makeBlocks({ sampleRate: sr, hop, nMels, samples: signal(200_000), chunk: 777, t0: T0, mel });
    const buf = new RunBuffer();
    const kept: Array<{ from: number; view: Float32Array }> = [];
    for (const b of blocks) {
      buf.push(b);
      const from = Math.max(0, buf.frameCount - 50);
      const v = buf.melView(from, buf.frameCount);
      if (v.count > 0) kept.push({ from, view: v.data });
      buf.trim(from * hop, from);
    }
    expect(kept.length).toBeGreaterThan(200);
    // several slabs were used (the first views belong to slabs replaced long ago)
    expect(new Set(kept.map((k) => k.view.buffer)).size).toBeGreaterThan(3);
    for (const { from, view } of kept) {
      for (let i = 0; i < view.length; i++) expect(view[i]).toBe(mel(from + Math.floor(i / nMels), i % nMels));
    }
    expect(buf.melAt(buf.frameCount - 1, 2)).toBe(mel(buf.frameCount - 1, 2));
  });

  it('samplesLater equals samples(): a view inside one chunk, a copy across chunks, valid after trim', () => {
    const x = signal(10_000);
    const blocks = makeBlocks({ sampleRate: sr, hop, nMels, samples: x, chunk: 1000, t0: T0, mel });
    const buf = new RunBuffer();
    for (const b of blocks.slice(0, 5)) buf.push(b);
    const inside = buf.samplesLater(1200, 1800);
    const across = buf.samplesLater(1500, 3500);
    const beyond = buf.samplesLater(4500, 5500); // the last 500 not received: zeros
    expect(Array.from(across())).toEqual(Array.from(buf.samples(1500, 3500)));
    buf.trim(4000, 400);
    for (const b of blocks.slice(5)) buf.push(b);
    const a = inside();
    expect(a.length).toBe(600);
    expect(a[0]).toBe(1200);
    expect(a[599]).toBe(1799);
    expect(a.buffer).toBe(x.buffer); // a view of the chunk, not a copy
    expect(inside()).toBe(a); // fetched once
    const c = across();
    expect(c.length).toBe(2000);
    expect(c[0]).toBe(1500);
    expect(c[1999]).toBe(3499);
    const z = beyond();
    expect(z[499]).toBe(4999);
    expect(z[500]).toBe(0);
  });

  it('a new run starts a fresh slab: views of the old run keep their values', () => {
    const a = makeBlocks({ sampleRate: sr, hop, nMels, samples: signal(5000), chunk: 1000, t0: T0, mel, run: 0 });
    const b = makeBlocks({ sampleRate: sr, hop, nMels, samples: signal(5000), chunk: 1000, t0: T0 + 60_000, mel: (f, m) => -mel(f, m), run: 1 });
    const buf = new RunBuffer();
    for (const blk of a) buf.push(blk);
    const old = buf.melView(0, 100);
    const before = Array.from(old.data);
    for (const blk of b) buf.push(blk);
    expect(Array.from(old.data)).toEqual(before);
    expect(buf.melAt(5, 1)).toBe(-mel(5, 1));
  });
});
