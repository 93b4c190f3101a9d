import { describe, expect, it } from 'vitest';
import { colormap, fftInPlace, renderSpectrogram, stftDb } from '../../server/spectrogram-png.ts';
import { tone } from '../helpers/signals.ts';

describe('clip spectrogram', () => {
  it('FFT of a cosine puts its energy in the right bin', () => {
    const n = 64;
    const re = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 5 * i) / n));
    const im = new Float64Array(n);
    fftInPlace(re, im);
    expect(re[5]).toBeCloseTo(32, 6);
    expect(re[59]).toBeCloseTo(32, 6);
    expect(Math.abs(re[4]) + Math.abs(im[4])).toBeLessThan(1e-9);
  });

  it('a 1 kHz tone peaks at bin f·nFft/sr in every frame', () => {
    const sr = 8000;
    const { frames, bins, db } = stftDb(tone(1000, 0.5, sr), 256, 128);
    expect(bins).toBe(128);
    for (let f = 0; f < frames; f++) {
      let best = 0;
      for (let k = 1; k < bins; k++) if (db[f * bins + k] > db[f * bins + best]) best = k;
      expect(best).toBe(32);
    }
  });

  it('image is time × frequency with low frequencies at the bottom', () => {
    const img = renderSpectrogram(tone(500, 1, 8000), 8000, { nFft: 256, maxWidth: 100 });
    expect(img.height).toBe(128);
    expect(img.width).toBeLessThanOrEqual(100);
    const row = img.height - 1 - 16; // 500 Hz of 4000 Hz over 128 bins
    const bright = (y: number) => img.rgb[(y * img.width + 10) * 3] + img.rgb[(y * img.width + 10) * 3 + 1];
    expect(bright(row)).toBeGreaterThan(bright(5) + 200);
    expect(colormap(0)).toEqual([0, 0, 4]);
    expect(colormap(1)).toEqual([252, 255, 164]);
  });
});
