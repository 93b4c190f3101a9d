import { from, lastValueFrom, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { melFrequencies } from '../../../streams/dsp/mel.ts';
import { melPowerFrames } from '../../../streams/dsp/mfcc.ts';
import { melFrames } from '../../../streams/operators/mel-frames.ts';
import type { AnalysisBlock, FeatureConfig, PcmChunk } from '../../../streams/types.ts';
import { noise, tone } from '../dsp/signals.ts';

const cfg: FeatureConfig = {
  sampleRate: 16000,
  nFft: 1024,
  hop: 256,
  nMels: 40,
  nMfcc: 13,
  fmin: 0,
  fmax: 8000,
  frames: 16,
  center: true,
  padMode: 'reflect',
  topDb: 80,
};
const T0 = Date.UTC(2024, 0, 1);

function chunks(x: Float32Array, sizes: (i: number) => number, station = 'st', t0 = T0, seq0 = 0, sr = cfg.sampleRate): PcmChunk[] {
  const out: PcmChunk[] = [];
  for (let i = 0, k = 0; i < x.length; k++) {
    const n = Math.min(x.length - i, sizes(k));
    out.push({ station, sampleRate: sr, samples: x.slice(i, i + n), t0: t0 + (i * 1000) / sr, seq: seq0 + k });
    i += n;
  }
  return out;
}

function concatMel(blocks: AnalysisBlock[]): Float32Array {
  const total = blocks.reduce((s, b) => s + b.mel.data.length, 0);
  const out = new Float32Array(total);
  let o = 0;
  for (const b of blocks) {
    out.set(b.mel.data, o);
    o += b.mel.data.length;
  }
  return out;
}

beforeAll(async () => {
  await initDsp();
});

describe('melFrames', () => {
  it.each(['reflect', 'constant'] as const)('streamed frames equal the whole-signal mel frames (%s padding)', async (padMode) => {
    const x = noise(16000 * 2 + 123, 0.3, 17);
    const c = { ...cfg, padMode };
    const blocks = await lastValueFrom(from(chunks(x, (k) => [100, 1000, 333, 4096, 7][k % 5])).pipe(melFrames(c), toArray()));
    const want = melPowerFrames(x, 16000, { nFft: 1024, hop: 256, nMels: 40, fmax: 8000, padMode });
    const got = concatMel(blocks);
    expect(got.length).toBe(want.data.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want.data[i]) / (Math.abs(want.data[i]) + 1e-12));
    expect(worst).toBeLessThan(1e-5);
    // frame indices are contiguous and times exact
    let next = 0;
    for (const b of blocks) {
      expect(b.frameIndex).toBe(next);
      expect(b.frameT0).toBeCloseTo(T0 + (next * 256 * 1000) / 16000, 6);
      expect(b.run).toBe(0);
      next += b.mel.count;
    }
    // every input chunk got a block carrying it, plus one closing block with an empty chunk
    expect(blocks.length).toBe(chunks(x, (k) => [100, 1000, 333, 4096, 7][k % 5]).length + 1);
    expect(blocks.at(-1)!.chunk.samples.length).toBe(0);
  });

  it('emits a frame as soon as its samples have arrived (no extra latency)', async () => {
    const x = noise(4096, 0.3, 2);
    const blocks = await lastValueFrom(from(chunks(x, () => 512)).pipe(melFrames({ ...cfg, padMode: 'constant' }), toArray()));
    // after 512 samples: the frame centred at 0 spans [-512, 512) → 1 frame; after 1024: centres ≤ 512 → 3 frames
    expect(blocks[0].mel.count).toBe(1);
    expect(blocks[1].frameIndex + blocks[1].mel.count).toBe(3);
    // reflect padding mirrors sample 512 into frame 0, so it waits for one more sample
    const r = await lastValueFrom(from(chunks(x, () => 512)).pipe(melFrames(cfg), toArray()));
    expect(r[0].mel.count).toBe(0);
    expect(r[1].mel.count).toBe(3);
  });

  it('starts a new run on a seq gap and on a clock jump', async () => {
    const a = chunks(noise(8000, 0.2, 1), () => 2000);
    const b = chunks(noise(8000, 0.2, 2), () => 2000, 'st', T0 + 60_000, 10); // seq gap
    const c = chunks(noise(8000, 0.2, 3), () => 2000, 'st', T0 + 120_000, 14); // seq continues, clock jumps
    const blocks = await lastValueFrom(from([...a, ...b, ...c]).pipe(melFrames(cfg), toArray()));
    const runs = blocks.map((x) => x.run);
    // Each run: its 4 chunks, then one block with an empty chunk carrying its last frames.
    expect(runs).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(blocks[4].chunk.samples.length).toBe(0);
    expect(blocks[5].frameIndex).toBe(0);
    expect(blocks[5].frameT0).toBe(T0 + 60_000);
    expect(blocks[10].frameT0).toBe(T0 + 120_000);
    // every run's frames equal that run's own whole-signal frames (padding at both ends)
    for (const [run, seed] of [[0, 1], [1, 2], [2, 3]]) {
      const want = melPowerFrames(noise(8000, 0.2, seed), 16000, { nFft: 1024, hop: 256, nMels: 40, fmax: 8000 });
      const got = concatMel(blocks.filter((x) => x.run === run));
      expect(got.length).toBe(want.data.length);
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want.data[i], 4);
    }
  });

  it('keeps stations apart', async () => {
    const xa = tone(440, 16000, 1, 0.5);
    const xb = noise(16000, 0.5, 9);
    const ca = chunks(xa, () => 1600, 'a');
    const cb = chunks(xb, () => 700, 'b');
    const mixed: PcmChunk[] = [];
    for (let i = 0; i < Math.max(ca.length, cb.length); i++) {
      if (ca[i]) mixed.push(ca[i]);
      if (cb[i]) mixed.push(cb[i]);
    }
    const blocks = await lastValueFrom(from(mixed).pipe(melFrames(cfg), toArray()));
    const got = concatMel(blocks.filter((b) => b.chunk.station === 'a'));
    const want = melPowerFrames(xa, 16000, { nFft: 1024, hop: 256, nMels: 40, fmax: 8000 });
    expect(got.length).toBe(want.data.length);
    for (let i = 0; i < got.length; i += 7) expect(got[i]).toBeCloseTo(want.data[i], 4);
  });

  it('with a noise gate: steady noise is pushed down, a tone burst is kept', async () => {
    const x = noise(16000 * 6, 0.1, 44);
    const burst = tone(2000, 16000, 0.5, 0.05);
    for (let i = 0; i < burst.length; i++) x[4 * 16000 + i] += burst[i];
    const plain = concatMel(await lastValueFrom(from(chunks(x, () => 1600)).pipe(melFrames(cfg), toArray())));
    const gated = concatMel(await lastValueFrom(from(chunks(x, () => 1600)).pipe(melFrames(cfg, { noiseGate: { reductionDb: 20 } }), toArray())));
    expect(gated.length).toBe(plain.length);
    const frameSum = (m: Float32Array, f: number): number => m.subarray(f * 40, f * 40 + 40).reduce((a, b) => a + b, 0);
    const noiseFrame = Math.round((2.5 * 16000) / 256);
    const burstFrame = Math.round((4.25 * 16000) / 256);
    expect(10 * Math.log10(frameSum(plain, noiseFrame) / frameSum(gated, noiseFrame))).toBeGreaterThan(10);
    // the tone's own mel band keeps its power (within 1 dB)
    const centres = melFrequencies(42, 0, 8000).subarray(1, 41);
    let band = 0;
    for (let i = 1; i < 40; i++) if (Math.abs(centres[i] - 2000) < Math.abs(centres[band] - 2000)) band = i;
    expect(Math.abs(10 * Math.log10(plain[burstFrame * 40 + band] / gated[burstFrame * 40 + band]))).toBeLessThan(1);
  });

  it('refuses chunks not at the analysis rate, naming the station', async () => {
    const bad = chunks(noise(4800), () => 4800, 'hydro-1', T0, 0, 48000);
    await expect(lastValueFrom(from(bad).pipe(melFrames(cfg), toArray()))).rejects.toThrow(/hydro-1.*48000 Hz.*16000 Hz/);
  });
});
