// Real ocean noise for training views: drawn at the analysis rate, and through a slower recorder's
// rate when the view is band-limited below the recording's own.
import { beforeAll, describe, expect, it } from 'vitest';
import { noiseSourceFrom } from '../../models/dataset.ts';
import { seededRandom } from '../../models/random.ts';
import { createRealFft, initDsp } from '../../streams/dsp/fft.ts';

const sr = 32000;
/** Share of a signal's power above `f` Hz (Hann frames of 2048). */
function powerAbove(x: Float32Array, f: number): number {
  const N = 2048, fft = createRealFft(N), out = new Float64Array(N / 2 + 1);
  const w = Float32Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
  let hi = 0, all = 0;
  for (let off = 0; off + N <= x.length; off += N) {
    fft.windowedPower(x, off, w, out);
    out.forEach((p, k) => { all += p; if ((k * sr) / N > f) hi += p; });
  }
  return hi / all;
}

describe('noiseSourceFrom', () => {
  beforeAll(async () => { await initDsp(); });
  // white noise recorded at 32 kHz: energy up to 16 kHz
  const rec = { sampleRate: sr, samples: Float32Array.from({ length: sr * 4 }, () => 0) };
  const r0 = seededRandom(9);
  for (let i = 0; i < rec.samples.length; i++) rec.samples[i] = r0() - 0.5;

  it('draws the recording as it is, or through a slower recorder when asked', () => {
    const noise = noiseSourceFrom([rec], sr);
    const full = noise(sr, seededRandom(1))!, limited = noise(sr, seededRandom(1), 8000)!;
    expect(full).toHaveLength(sr);
    expect(limited).toHaveLength(sr);
    expect(powerAbove(full, 4500)).toBeGreaterThan(0.5);
    expect(powerAbove(limited, 4500)).toBeLessThan(0.01);
  });

  it('leaves a recording alone when the recorder rate is not below its own', () => {
    const slow = { sampleRate: 2000, samples: Float32Array.from({ length: 2000 * 30 }, (_, i) => Math.sin(i)) };
    const noise = noiseSourceFrom([slow], sr);
    expect(Array.from(noise(4000, seededRandom(3), 8000)!)).toEqual(Array.from(noise(4000, seededRandom(3))!));
  });
});
