// The WASM SIMD direct polyphase sum: a valid module, exact on a hand-made table, and chunk-size
// independent (its agreement with the JS sum is in resample.test.ts, beside the FFT path's).
import { beforeAll, describe, expect, it } from 'vitest';
import { initDsp, laneCopyBinary } from '../../../streams/dsp/fft.ts';
import { polyKernelBinary, WasmPolyKernel } from '../../../streams/dsp/poly-kernel.ts';
import { resample, Resampler } from '../../../streams/dsp/resample.ts';
import { noise } from './signals.ts';

beforeAll(async () => {
  await initDsp();
});

describe('WASM polyphase kernel', () => {
  it('is a valid module', () => {
    expect(WebAssembly.validate(polyKernelBinary())).toBe(true);
  });

  it('computes dot products of the right rows at the right inputs, stepping the phase exactly', () => {
    // 2 phases × 3 taps (padded to 4 inside); L/M = 2/3: phases 0,1,0,1…, input 0,1,3,4,6…
    const table = Float32Array.of(1, 2, 3, 10, 20, 30);
    const k = WasmPolyKernel.create(table, 2, 3);
    expect(k).not.toBeNull();
    const x = Float32Array.from({ length: 20 }, (_, i) => i + 1);
    const out = new Float32Array(5);
    k!.run(x, x.length, 0, 0, 2, 3, out.length, out);
    const want: number[] = [];
    let i0 = 0;
    let p = 0;
    for (let o = 0; o < 5; o++) {
      const row = p === 0 ? [1, 2, 3] : [10, 20, 30];
      want.push(row[0] * x[i0] + row[1] * x[i0 + 1] + row[2] * x[i0 + 2]);
      p += 3;
      while (p >= 2) { p -= 2; i0++; }
    }
    expect(Array.from(out)).toEqual(want);
  });

  it.each([
    [44100, 32000],
    [22050, 32000],
    [2000, 32000],
    [44100, 48000],
    [11025, 16000],
  ])('%i → %i: chunked output is the whole-signal output, bit for bit', (a, b) => {
    const x = noise(a, 0.5, 5);
    const w = resample(x, a, b);
    const r = new Resampler(a, b);
    const parts: Float32Array[] = [];
    for (let i = 0, k = 0; i < x.length; k++) {
      const n = [1, 13, 500, 4096, 9000][k % 5];
      parts.push(r.push(x.subarray(i, i + n)));
      i += n;
    }
    parts.push(r.flush());
    const cat = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) { cat.set(p, o); o += p.length; }
    expect(Array.from(cat)).toEqual(Array.from(w));
  });
});

describe('SIMD lane copies of the polyphase FFT path', () => {
  it('the module validates here (48 kHz → 32 kHz and → 16 kHz use it; resample.test.ts checks their outputs)', () => {
    expect(WebAssembly.validate(laneCopyBinary())).toBe(true);
  });
});
