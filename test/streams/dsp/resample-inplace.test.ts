// The overlap-save resampler reads whole blocks straight from the pushed chunk and keeps only the
// samples later blocks need. A source that rewrites its read buffer after every push (replay's
// recycled blocks) must get the same output as one that hands over fresh arrays, and every array
// push() returned must stay as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { resample, Resampler } from '../../../streams/dsp/resample.ts';
import { noise } from './signals.ts';

beforeAll(async () => {
  await initDsp();
});

/** Chunk sizes that cross the FFT block size (1024 at 48k→16k) from below and above. */
function sizes(total: number): number[] {
  const out: number[] = [];
  for (let i = 0, k = 1; i < total; k++) {
    const n = Math.min(total - i, [1, 7, 500, 1023, 1024, 1025, 3000, 24000][k % 8]);
    out.push(n);
    i += n;
  }
  return out;
}

describe('Resampler with a recycled input buffer', () => {
  it.each([
    [48000, 16000],
    [96000, 16000],
    [166600, 16000],
    [44100, 48000],
    [48000, 32000],
    [16000, 32000],
  ])('%i → %i: same output as fresh chunks; returned arrays never change afterwards', (a, b) => {
    const x = noise(Math.round(a * 1.2), 0.5, 9);
    const one = resample(x, a, b);
    const r = new Resampler(a, b);
    const reused = new Float32Array(24000);
    const held: Float32Array[] = [];
    const copies: Float32Array[] = [];
    let i = 0;
    for (const n of sizes(x.length)) {
      reused.set(x.subarray(i, i + n));
      const y = r.push(reused.subarray(0, n));
      held.push(y);
      copies.push(y.slice());
      // the source's next read overwrites the buffer (garbage, not the next samples)
      reused.fill(1e6);
      i += n;
    }
    const tail = r.flush();
    held.push(tail);
    copies.push(tail.slice());
    const cat = new Float32Array(held.reduce((s, h) => s + h.length, 0));
    let o = 0;
    for (const [k, h] of held.entries()) {
      expect(Array.from(h)).toEqual(Array.from(copies[k]));
      cat.set(h, o);
      o += h.length;
    }
    expect(cat.length).toBe(one.length);
    expect(Array.from(cat)).toEqual(Array.from(one));
  });

  it('does not write to the chunk it is given', () => {
    const x = noise(48000, 0.5, 4);
    const before = x.slice();
    const r = new Resampler(48000, 16000);
    r.push(x.subarray(0, 30000));
    r.push(x.subarray(30000));
    r.flush();
    expect(Array.from(x)).toEqual(Array.from(before));
  });
});
