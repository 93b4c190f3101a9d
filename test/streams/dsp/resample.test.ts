import { beforeAll, describe, expect, it } from 'vitest';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { resample, Resampler } from '../../../streams/dsp/resample.ts';
import { noise, rms, tone } from './signals.ts';

const pairs: Array<[number, number]> = [
  [48000, 16000],
  [166600, 16000],
  [2000, 16000],
  [44100, 22050],
  [44100, 48000],
  [44101, 16000], // does not reduce to a small ratio: interpolated phases
  [48000, 32000], // 2/3: two polyphase kernels by FFT
  [16000, 32000], // 2/1 upsampling by FFT
  [40000, 16000], // 2/5: five input streams
  [44100, 32000], // 320/441: the direct polyphase sum
];

function levelDb(y: Float32Array): number {
  const n = y.length;
  return 20 * Math.log10(rms(y, Math.floor(n / 4), Math.floor((3 * n) / 4)) * Math.SQRT2);
}

beforeAll(async () => {
  await initDsp(); // integer downsampling then runs by FFT overlap-save; 'direct' is tested too
});

const methods = ['auto', 'direct'] as const;

describe('Resampler', () => {
  it.each(pairs)('%i → %i keeps in-band tone amplitude and the output length', (a, b) => {
    const nyq = Math.min(a, b) / 2;
    for (const method of methods) {
      for (const frac of [0.05, 0.3, 0.6, 0.75]) {
        const y = resample(tone(frac * nyq, a, 0.5), a, b, { method });
        expect(y.length).toBe(Math.ceil((Math.round(a * 0.5) * b) / a));
        expect(Math.abs(levelDb(y))).toBeLessThan(0.1);
      }
    }
  });

  it.each(pairs.filter(([a, b]) => b < a))('%i → %i rejects a tone above the new Nyquist by ≥ 60 dB', (a, b) => {
    for (const method of methods) {
      for (const frac of [1.1, 1.4]) {
        const f = (frac * b) / 2;
        if (f >= a / 2) continue;
        const y = resample(tone(f, a, 0.5), a, b, { method });
        expect(levelDb(y)).toBeLessThan(-60);
      }
    }
  });

  it.each([
    [48000, 16000, 'fft'],
    [48000, 32000, 'fft'],
    [16000, 32000, 'fft'],
    [8000, 32000, 'fft'],
    [24000, 32000, 'fft'],
    [40000, 16000, 'fft'], // L = 2, M = 5: five input streams per output phase
    [32000, 48000, 'fft'], // L = 3, M = 2
    [44100, 32000, 'wasm-direct'],
    [22050, 32000, 'wasm-direct'],
    [2000, 32000, 'wasm-direct'],
    [44100, 48000, 'wasm-direct'],
    [11025, 16000, 'wasm-direct'],
  ] as const)('%i → %i: the %s path and the JS direct sum agree (same filter, every phase)', (a, b, path) => {
    expect(new Resampler(a, b).path).toBe(path);
    expect(new Resampler(a, b, { method: 'direct' }).path).toBe('js-direct');
    const x = noise(a, 0.5, 12);
    const f = resample(x, a, b);
    const d = resample(x, a, b, { method: 'direct' });
    expect(f.length).toBe(d.length);
    let worst = 0;
    for (let i = 0; i < f.length; i++) worst = Math.max(worst, Math.abs(f[i] - d[i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('a tone keeps its frequency (zero crossings) after 48k → 16k', () => {
    const y = resample(tone(1000, 48000, 1), 48000, 16000);
    let zc = 0;
    for (let i = 1000; i < 15000; i++) if (y[i - 1] < 0 && y[i] >= 0) zc++;
    expect(Math.abs(zc - 875)).toBeLessThanOrEqual(1);
  });

  it('is zero-phase: output n sits at input time n·in/out (no delay)', () => {
    const a = 48000, b = 16000;
    const x = tone(500, a, 0.2, 1, 0.3);
    const y = resample(x, a, b);
    for (const n of [300, 1000, 2000]) expect(y[n]).toBeCloseTo(Math.sin((2 * Math.PI * 500 * n) / b + 0.3), 3);
  });

  it.each(pairs.flatMap(([a, b]) => methods.map((m) => [a, b, m] as const)))('%i → %i (%s): chunked output equals one-shot output exactly', (a, b, method) => {
    const x = noise(Math.round(a * 0.3), 0.5, 3);
    const one = resample(x, a, b, { method });
    const r = new Resampler(a, b, { method });
    const parts: Float32Array[] = [];
    let i = 0;
    let k = 1;
    while (i < x.length) {
      const n = Math.min(x.length - i, ((k * 7919) % 3000) + 1);
      parts.push(r.push(x.subarray(i, i + n)));
      i += n;
      k++;
    }
    parts.push(r.flush());
    const total = parts.reduce((s, p) => s + p.length, 0);
    expect(total).toBe(one.length);
    const cat = new Float32Array(total);
    let o = 0;
    for (const p of parts) {
      cat.set(p, o);
      o += p.length;
    }
    expect(Array.from(cat)).toEqual(Array.from(one));
  });

  it('equal rates pass through; bad rates are rejected clearly', () => {
    const x = noise(100);
    expect(Array.from(resample(x, 16000, 16000))).toEqual(Array.from(x));
    expect(() => new Resampler(0, 16000)).toThrow(/input rate/);
    expect(() => new Resampler(16000, Number.NaN)).toThrow(/output rate/);
  });
});
