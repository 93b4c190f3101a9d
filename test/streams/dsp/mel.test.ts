import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMel, hzToMel, melDense, melFilterbank, melFrequencies, melToHz } from '../../../streams/dsp/mel.ts';
import { matAt, matScalar, readMat } from '../../helpers/mat.ts';
import { hasLibrosa, librosaDir } from './librosa-data.ts';

describe('mel scale', () => {
  it('Slaney: linear below 1 kHz, log above; HTK formula', () => {
    expect(hzToMel(0)).toBe(0);
    expect(hzToMel(440)).toBeCloseTo(6.6, 12);
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    expect(hzToMel(6400)).toBeCloseTo(42, 10);
    expect(hzToMel(1000, true)).toBeCloseTo(999.9855, 3);
    for (const f of [0, 10, 440, 999, 1000, 5000, 11025, 83300]) {
      expect(melToHz(hzToMel(f))).toBeCloseTo(f, 7);
      expect(melToHz(hzToMel(f, true), true)).toBeCloseTo(f, 7);
    }
  });
  it('mel_frequencies spans fmin..fmax', () => {
    const f = melFrequencies(130, 0, 11025);
    expect(f[0]).toBe(0);
    expect(f[129]).toBeCloseTo(11025, 8);
    for (let i = 1; i < f.length; i++) expect(f[i]).toBeGreaterThan(f[i - 1]);
  });
  it('sparse bank equals its dense form applied to a spectrum; Slaney triangles have unit area in Hz', () => {
    const sr = 22050, nFft = 2048;
    const fb = melFilterbank({ sampleRate: sr, nFft, nMels: 128 });
    const dense = melDense(fb);
    const p = new Float64Array(fb.nBins).map((_, k) => 1 + Math.sin(k));
    const out = new Float64Array(128);
    applyMel(fb, p, out);
    for (let m = 0; m < 128; m++) {
      let s = 0;
      for (let k = 0; k < fb.nBins; k++) s += dense[m * fb.nBins + k] * p[k];
      expect(out[m]).toBeCloseTo(s, 10);
    }
    // area of a triangle sampled at bin spacing df: Σw·df ≈ 1 (wide triangles only)
    const df = sr / nFft;
    let area = 0;
    for (let j = 0; j < fb.length[100]; j++) area += fb.weights[fb.offset[100] + j] * df;
    expect(area).toBeCloseTo(1, 2);
  });
  it('rejects bad parameters with a clear message', () => {
    expect(() => melFilterbank({ sampleRate: 16000, nFft: 512, fmin: 9000, fmax: 8000 })).toThrow(/fmin < fmax/);
    expect(() => melFilterbank({ sampleRate: 0, nFft: 512 })).toThrow(/sample rate/);
  });
});

describe.skipIf(!hasLibrosa)('librosa fixtures (test-data/*.mat)', () => {
  const dir = join(librosaDir, 'test-data');
  const files = hasLibrosa ? readdirSync(dir) : [];

  it('hz_to_mel and mel_to_hz match librosa', () => {
    let checked = 0;
    for (const f of files.filter((n) => /^feature-(hz_to_mel|mel_to_hz)-/.test(n))) {
      const mat = readMat(join(dir, f));
      const input = mat.get('f')!.real;
      const result = mat.get('result')!.real;
      const htk = matScalar(mat, 'htk') !== 0;
      const fn = f.includes('hz_to_mel') ? hzToMel : melToHz;
      expect(result.length).toBe(input.length);
      input.forEach((v, i) => {
        expect(Math.abs(fn(v, htk) - result[i])).toBeLessThanOrEqual(1e-8 + 1e-6 * Math.abs(result[i]));
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(4);
  });

  it('all mel filterbanks (feature-melfb-*, feature-melfbnorm-*) match librosa.filters.mel', () => {
    const fbFiles = files.filter((n) => /^feature-melfb(norm)?-\d+\.mat$/.test(n));
    expect(fbFiles.length).toBeGreaterThanOrEqual(145);
    for (const f of fbFiles) {
      const mat = readMat(join(dir, f));
      const sr = matScalar(mat, 'sr');
      const nFft = matScalar(mat, 'nfft');
      const nMels = matScalar(mat, 'nfilts');
      const normVar = mat.get('norm');
      const norm = normVar && normVar.real.length === 0 ? null : 'slaney';
      const fb = melFilterbank({ sampleRate: sr, nFft, nMels, fmin: matScalar(mat, 'fmin'), fmax: matScalar(mat, 'fmax'), htk: matScalar(mat, 'htk') !== 0, norm });
      const dense = melDense(fb);
      const wts = mat.get('wts')!;
      expect(wts.dims[0], f).toBe(nMels);
      let worst = 0;
      for (let m = 0; m < nMels; m++) {
        for (let k = 0; k < fb.nBins; k++) {
          const ref = matAt(wts, m, k);
          const err = Math.abs(dense[m * fb.nBins + k] - ref) - (1e-8 + 1e-5 * Math.abs(ref)); // np.allclose
          worst = Math.max(worst, err);
        }
      }
      expect(worst, f).toBeLessThanOrEqual(0);
    }
  });
});
