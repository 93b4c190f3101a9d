import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRealFft, initDsp } from '../../../streams/dsp/fft.ts';
import { dctFrames, dctMatrix, frameCount, melPowerFrames, mfcc, powerToDb } from '../../../streams/dsp/mfcc.ts';
import { melFrequencies } from '../../../streams/dsp/mel.ts';
import { hannPeriodic } from '../../../streams/dsp/window-fn.ts';
import { matScalar, readMat } from '../../helpers/mat.ts';
import { hasLibrosa, librosaDir, readF32, readF64 } from './librosa-data.ts';
import { chirp, noise, tone } from './signals.ts';

beforeAll(async () => {
  await initDsp();
});

describe('powerToDb', () => {
  it('10·log10 with amin and a top_db floor relative to the max', () => {
    const s = new Float32Array([1, 0.01, 1e-12, 100, 0]);
    const d = powerToDb(s.slice(), { topDb: null });
    expect(Array.from(d).map((v) => Math.round(v * 1000) / 1000)).toEqual([0, -20, -100, 20, -100]);
    const f = powerToDb(s.slice(), { topDb: 80 });
    expect(Array.from(f)).toEqual([0, -20, -60, 20, -60]);
    const r = powerToDb(s.slice(), { ref: 100, topDb: null });
    expect(r[3]).toBeCloseTo(0, 6);
  });
});

describe('DCT-II ortho', () => {
  it('is orthonormal and maps a constant to c0 only', () => {
    const n = 16;
    const d = dctMatrix(n, n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let m = 0; m < n; m++) s += d[a * n + m] * d[b * n + m];
        expect(s).toBeCloseTo(a === b ? 1 : 0, 10);
      }
    }
    const x = new Float32Array(n).fill(3);
    const y = dctFrames(x, 1, n, 5);
    expect(y[0]).toBeCloseTo(3 * Math.sqrt(n), 5);
    for (let k = 1; k < 5; k++) expect(Math.abs(y[k])).toBeLessThan(1e-5);
  });
});

describe('melPowerFrames / mfcc on generated signals', () => {
  it('gives librosa frame counts (centred: 1 + ⌊len/hop⌋)', () => {
    expect(frameCount(220500, 2048, 512, true)).toBe(431);
    expect(frameCount(1000, 2048, 512, false)).toBe(0);
    const x = noise(5000, 0.1);
    const m = melPowerFrames(x, 16000, { nMels: 64 });
    expect(m.frames).toBe(1 + Math.floor(5000 / 512));
    expect(m.data.length).toBe(m.frames * 64);
  });

  it('a 3 kHz tone peaks in the mel band whose centre is nearest 3 kHz', () => {
    const sr = 22050;
    const m = melPowerFrames(tone(3000, sr, 1, 0.5), sr);
    const centres = melFrequencies(130, 0, sr / 2).subarray(1, 129);
    let want = 0;
    for (let i = 1; i < 128; i++) if (Math.abs(centres[i] - 3000) < Math.abs(centres[want] - 3000)) want = i;
    const f = 20;
    let best = 0;
    for (let i = 1; i < 128; i++) if (m.data[f * 128 + i] > m.data[f * 128 + best]) best = i;
    expect(Math.abs(best - want)).toBeLessThanOrEqual(1);
  });

  it('a chirp moves up through the mel bands', () => {
    const sr = 16000;
    const m = melPowerFrames(chirp(200, 6000, sr, 2, 0.5), sr, { nMels: 64 });
    const peak = (f: number): number => {
      let b = 0;
      for (let i = 1; i < 64; i++) if (m.data[f * 64 + i] > m.data[f * 64 + b]) b = i;
      return b;
    };
    expect(peak(10)).toBeLessThan(peak(30));
    expect(peak(30)).toBeLessThan(peak(55));
  });

  it('a click is local in time; silence gives finite constant MFCCs', () => {
    const sr = 16000;
    const x = new Float32Array(sr);
    x[8000] = 1;
    const m = melPowerFrames(x, sr, { nMels: 40, nFft: 512, hop: 128 });
    const energy = (f: number): number => m.data.subarray(f * 40, f * 40 + 40).reduce((a, b) => a + b, 0);
    expect(energy(8000 / 128)).toBeGreaterThan(0);
    expect(energy(10)).toBe(0);
    const s = mfcc(new Float32Array(4096), sr, { nMfcc: 13, nMels: 40 });
    for (const v of s.data) expect(Number.isFinite(v)).toBe(true);
    expect(s.data[0]).toBeCloseTo(-100 * Math.sqrt(40), 2);
  });

  it('reflect and constant padding differ only in the edge frames', () => {
    const x = noise(30000, 0.3, 5);
    const a = mfcc(x, 22050, { padMode: 'reflect' });
    const b = mfcc(x, 22050, { padMode: 'constant' });
    expect(a.frames).toBe(b.frames);
    let inner = 0, edge = 0;
    for (let f = 0; f < a.frames; f++) {
      for (let k = 0; k < 60; k++) {
        const d = Math.abs(a.data[f * 60 + k] - b.data[f * 60 + k]);
        if (f >= 2 && f < a.frames - 2) inner = Math.max(inner, d);
        else edge = Math.max(edge, d);
      }
    }
    expect(inner).toBeLessThan(1e-4);
    expect(edge).toBeGreaterThan(0.1);
  });

  it('rejects nMfcc > nMels', () => {
    expect(() => mfcc(noise(4096), 16000, { nMels: 20, nMfcc: 30 })).toThrow(/nMfcc/);
  });
});

describe.skipIf(!hasLibrosa)('librosa 0.10/0.11 reference outputs (reference/*.f64)', () => {
  const ref = join(librosaDir, 'reference');
  const x = hasLibrosa ? readF32(join(ref, 'synth22k_10s.f32')) : new Float32Array(0);

  it.each(['auto', 'js'] as const)('mel power matches to 1e-4 relative (%s FFT)', (fftBackend) => {
    const want = readF64(join(ref, 'synth22k_10s_melpow_f64_reflect.f64'));
    const got = melPowerFrames(x, 22050, { padMode: 'reflect', fftBackend });
    expect(got.frames).toBe(431);
    expect(got.data.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want[i]) / Math.abs(want[i]));
    expect(worst).toBeLessThan(1e-4);
  });

  it.each([
    ['reflect', 'auto'],
    ['constant', 'auto'],
    ['reflect', 'js'],
  ] as const)('MFCC (%s padding, %s FFT) matches to 1e-3', (padMode, fftBackend) => {
    const want = readF64(join(ref, `synth22k_10s_mfcc_f64_${padMode}.f64`));
    const got = mfcc(x, 22050, { padMode, nMfcc: 60, fftBackend });
    expect(got.frames * got.nMfcc).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want[i]));
    expect(worst).toBeLessThan(1e-3);
  });

  it.each(['core-stft-004.mat', 'core-stft-006.mat'])('STFT layout, sign and scaling agree with %s (center=False)', (file) => {
    // The fixture's input wav is not shipped, so recover each windowed frame from D by an inverse
    // DFT and check that our window + FFT reproduce D (complex, including phase) from the samples.
    const mat = readMat(join(librosaDir, 'test-data', file));
    const nFft = matScalar(mat, 'nfft');
    const D = mat.get('D')!;
    const [bins, frames] = D.dims;
    expect(bins).toBe(nFft / 2 + 1);
    const w = hannPeriodic(nFft);
    const fft = createRealFft(nFft, { backend: 'js' });
    const re = new Float64Array(bins), im = new Float64Array(bins);
    let worst = 0, scale = 0;
    for (let t = 0; t < Math.min(frames, 200); t++) {
      const col = (k: number): [number, number] => [D.real[t * bins + k], D.imag![t * bins + k]];
      // inverse real DFT → windowed frame y[n] = x[n]·w[n]
      const y = new Float32Array(nFft);
      for (let n = 0; n < nFft; n++) {
        let s = 0;
        for (let k = 0; k < bins; k++) {
          const [a, b] = col(k);
          const c = k === 0 || k === nFft / 2 ? 1 : 2;
          const ang = (2 * Math.PI * k * n) / nFft;
          s += c * (a * Math.cos(ang) - b * Math.sin(ang));
        }
        y[n] = s / nFft;
      }
      // the frame must vanish where the periodic Hann does (n = 0)
      expect(Math.abs(y[0])).toBeLessThan(1e-6);
      const xFrame = new Float32Array(nFft);
      for (let n = 1; n < nFft; n++) xFrame[n] = y[n] / w[n];
      const win = new Float32Array(nFft);
      for (let n = 0; n < nFft; n++) win[n] = xFrame[n] * w[n];
      fft.forward(win, re, im);
      for (let k = 0; k < bins; k++) {
        const [a, b] = col(k);
        worst = Math.max(worst, Math.abs(re[k] - a), Math.abs(im[k] - b));
        scale = Math.max(scale, Math.hypot(a, b));
      }
    }
    expect(worst / scale).toBeLessThan(1e-5);
  });
});
