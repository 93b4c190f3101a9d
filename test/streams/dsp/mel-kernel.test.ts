import { beforeAll, describe, expect, it } from 'vitest';
import { initDsp, wasmDspCore } from '../../../streams/dsp/fft.ts';
import { MelAnalyzer } from '../../../streams/dsp/mel-analyzer.ts';
import { melKernelBinary } from '../../../streams/dsp/mel-kernel.ts';
import { chirp, noise, tone } from './signals.ts';

beforeAll(async () => {
  await initDsp();
});

/** Largest |a − b| / |b| over values above 1e-12 of the largest (both paths agree on silence). */
function maxRel(a: Float32Array, b: Float32Array): number {
  let peak = 0;
  for (const v of b) peak = Math.max(peak, Math.abs(v));
  let e = 0;
  for (let i = 0; i < a.length; i++) {
    if (Math.abs(b[i]) <= 1e-12 * peak) expect(Math.abs(a[i])).toBeLessThanOrEqual(1e-11 * peak);
    else e = Math.max(e, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  }
  return e;
}

function framesBoth(x: Float32Array, opts: { sampleRate: number; nFft: number; nMels: number; fmin?: number; fmax?: number; htk?: boolean }, hop: number) {
  const fused = new MelAnalyzer(opts);
  const plain = new MelAnalyzer({ ...opts, fused: false });
  const count = Math.floor((x.length - opts.nFft) / hop) + 1;
  const a = new Float32Array(count * opts.nMels);
  const b = new Float32Array(count * opts.nMels);
  fused.frames(x, 0, hop, count, a, 0);
  for (let f = 0; f < count; f++) plain.frame(x, f * hop, b, f * opts.nMels);
  return { fused, plain, a, b, count };
}

describe('fused WASM mel kernel', () => {
  it('the kernel module validates and is used once the SIMD FFT is loaded', () => {
    expect(WebAssembly.validate(melKernelBinary())).toBe(true);
    expect(wasmDspCore()?.backend).toBe('wasm-simd');
    expect(new MelAnalyzer({ sampleRate: 16000, nFft: 1024, nMels: 64 }).fused).toBe(true);
    expect(new MelAnalyzer({ sampleRate: 16000, nFft: 1024, nMels: 64, fused: false }).fused).toBe(false);
    expect(new MelAnalyzer({ sampleRate: 16000, nFft: 1024, nMels: 64, fftBackend: 'js' }).fused).toBe(false);
    // sizes PFFFT cannot do keep the step-by-step path
    expect(new MelAnalyzer({ sampleRate: 16000, nFft: 1000, nMels: 64 }).fused).toBe(false);
  });

  const cfgs = [
    { sampleRate: 16000, nFft: 1024, nMels: 64, fmin: 20, fmax: 8000 },
    { sampleRate: 22050, nFft: 2048, nMels: 128 },
    { sampleRate: 8000, nFft: 512, nMels: 40, htk: true },
    { sampleRate: 16000, nFft: 256, nMels: 64 }, // narrow low filters with no bin at all
  ];
  const signals: Array<[string, (sr: number) => Float32Array]> = [
    ['noise', (sr) => noise(sr * 3, 0.3, 7)],
    ['tone', (sr) => tone(1234.5, sr, 3, 0.8)],
    ['chirp', (sr) => chirp(50, sr / 2.2, sr, 3, 0.5)],
    ['quiet tone + noise', (sr) => noise(sr * 3, 1e-4, 9).map((v, i) => v + 1e-3 * Math.sin(i * 0.3))],
  ];
  for (const cfg of cfgs) {
    it.each(signals)(`equals the step-by-step path within 1e-6 relative: %s, nFft ${cfg.nFft}, ${cfg.nMels} mels`, (_name, make) => {
      const x = make(cfg.sampleRate);
      const { a, b, count } = framesBoth(x, cfg, cfg.nFft / 4);
      expect(count).toBeGreaterThan(40);
      expect(maxRel(a, b)).toBeLessThan(1e-6);
    });
  }

  it('silence gives exact zeros; frames() equals frame() one by one, across kernel batches', () => {
    const cfg = { sampleRate: 16000, nFft: 1024, nMels: 64 };
    const z = framesBoth(new Float32Array(16000), cfg, 256);
    expect(z.a.every((v) => v === 0)).toBe(true);
    // 700 frames: more than one internal batch of 256; odd offset and hop
    const x = noise(700 * 97 + 1024 + 13, 0.5, 3);
    const an = new MelAnalyzer(cfg);
    const all = new Float32Array(700 * 64);
    an.frames(x, 13, 97, 700, all, 0);
    const one = new Float32Array(64);
    for (const f of [0, 1, 255, 256, 257, 511, 512, 699]) {
      an.frame(x, 13 + f * 97, one, 0);
      expect(Array.from(all.subarray(f * 64, f * 64 + 64))).toEqual(Array.from(one));
    }
  });

  it('writes into a Float64Array output and at an offset, and rejects frames past the input', () => {
    const cfg = { sampleRate: 16000, nFft: 1024, nMels: 64 };
    const an = new MelAnalyzer(cfg);
    const x = tone(440, 16000, 1);
    const f32 = new Float32Array(3 * 64);
    const f64 = new Float64Array(5 * 64);
    an.frames(x, 100, 256, 3, f32, 0);
    an.frames(x, 100, 256, 3, f64, 2 * 64);
    for (let i = 0; i < f32.length; i++) expect(f64[2 * 64 + i]).toBe(f32[i]);
    expect(f64[0]).toBe(0);
    expect(() => an.frames(x, x.length - 1000, 256, 1, f32, 0)).toThrow(/exceed the input/);
  });
});
