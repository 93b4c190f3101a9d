// Recycled read buffers (archiveSource({ recycle: true })): every block decoded into the same
// memory. What is checked: the chunks carry the same samples at emission as without recycling,
// the memory really is reused, and a consumer that keeps samples past next() — the station
// pipeline's windows, held across many blocks — still sees the samples of their own time.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { lastValueFrom, map, toArray } from 'rxjs';
import { archiveSource } from '../../../streams/sources/archive.ts';
import { isRecycled } from '../../../streams/audio/recycled.ts';
import { stationPipeline, type StationEvent } from '../../../streams/station.ts';
import { defaultFeatureConfig } from '../../../models/feature-config.ts';
import { initDsp } from '../../../streams/dsp/fft.ts';
import type { PcmChunk, Window } from '../../../streams/types.ts';
import { chirp, mix, noise, placeAt, quantise16, tone, writeWav } from '../../helpers/signals.ts';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'archive-recycle-'));
  await initDsp();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each chunk with a copy of its samples taken while it is current (inside next()). */
async function atEmission(recycle: boolean, path: string, extra: { chunkS?: number; channel?: number | 'mix' } = {}): Promise<Array<{ c: PcmChunk; copy: Float32Array }>> {
  return lastValueFrom(
    archiveSource({ station: 'st', path, speed: 'max', recycle, ...extra }).pipe(
      map((c) => ({ c, copy: c.samples.slice() })),
      toArray(),
    ),
  );
}

describe('archiveSource: recycle', () => {
  it('emits the same chunks (samples at emission, t0, seq, origin) as without it, from memory it reuses', async () => {
    const sr = 8000;
    const x = mix(tone(440, 7.3, sr, 0.3), noise(7.3, sr, 0.05, 2));
    const path = writeWav(join(dir, 'mono.wav'), x, sr);
    const fresh = await atEmission(false, path, { chunkS: 0.5 });
    const reused = await atEmission(true, path, { chunkS: 0.5 });
    expect(reused.map((r) => [r.c.t0, r.c.seq, r.c.origin, r.c.samples.length])).toEqual(fresh.map((r) => [r.c.t0, r.c.seq, r.c.origin, r.c.samples.length]));
    for (let i = 0; i < fresh.length; i++) expect(reused[i].copy).toEqual(fresh[i].copy);
    // 7.3 s in 2 s reads: four blocks, all in one buffer, marked so keepers copy
    expect(new Set(reused.map((r) => r.c.samples.buffer)).size).toBe(1);
    expect(reused.every((r) => isRecycled(r.c.samples))).toBe(true);
    expect(fresh.some((r) => isRecycled(r.c.samples))).toBe(false);
    // which is why a chunk kept past its block no longer holds its samples
    expect(reused[0].c.samples).not.toEqual(reused[0].copy);
    expect(fresh[0].c.samples).toEqual(fresh[0].copy);
  });

  it('stereo: the mix and one chosen channel are the same as without it', async () => {
    const sr = 8000;
    const l = tone(300, 5.5, sr, 0.4);
    const r = noise(5.5, sr, 0.2, 7);
    const path = writeWav(join(dir, 'stereo.wav'), [l, r], sr);
    for (const channel of ['mix', 1] as const) {
      const fresh = await atEmission(false, path, { channel });
      const reused = await atEmission(true, path, { channel });
      expect(reused.length).toBe(fresh.length);
      for (let i = 0; i < fresh.length; i++) expect(reused[i].copy).toEqual(fresh[i].copy);
      expect(reused.every((c) => isRecycled(c.c.samples))).toBe(true);
    }
  });

  it('FLAC blocks are decoded into the reused memory too', async () => {
    const sr = 16000;
    const x = mix(chirp(500, 3000, 4.5, sr, 0.3), noise(4.5, sr, 0.02, 3));
    const wav = writeWav(join(dir, 'for-flac.wav'), x, sr);
    const flac = join(dir, 'f.flac');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-c:a', 'flac', flac]);
    const fresh = await atEmission(false, flac);
    const reused = await atEmission(true, flac);
    expect(reused.length).toBe(fresh.length);
    for (let i = 0; i < fresh.length; i++) expect(reused[i].copy).toEqual(fresh[i].copy);
    expect(new Set(reused.map((r) => r.c.samples.buffer)).size).toBe(1);
    const all = new Float32Array(x.length);
    let p = 0;
    for (const r of reused) { all.set(r.copy, p); p += r.copy.length; }
    expect(all).toEqual(quantise16(x));
  });

  it('refuses recycle with a gate (a gated consumer queues chunks past next())', () => {
    expect(() => archiveSource({ station: 'st', path: dir, speed: 'max', recycle: true, gate: () => undefined })).toThrow(/recycle and gate/);
  });

  // A file at the analysis rate passes the resampler untouched, so its chunks — views of the
  // recycled buffer — reach the run buffer the windows are cut from. 48 kHz is resampled (new
  // arrays) first. Windows are kept to the end of the replay, many blocks later.
  const analysisRate = defaultFeatureConfig.sampleRate;
  for (const sr of [analysisRate, 48_000]) {
    it(`station pipeline, ${sr / 1000} kHz${sr === analysisRate ? ' (the analysis rate)' : ''}: windows and events kept across blocks hold their own samples`, async () => {
      const dur = 23;
      let x = noise(dur, sr, 0.01, 5);
      for (let t = 3; t < dur - 3; t += 6) x = mix(x, placeAt(chirp(2000, 6000, 1, sr, 0.3), t, dur, sr));
      const path = writeWav(join(dir, `st-${sr}.wav`), x, sr);
      const cfg = defaultFeatureConfig;
      const run = (recycle: boolean): Promise<StationEvent[]> =>
        lastValueFrom(
          stationPipeline({
            station: 'st',
            source: (ctx) => archiveSource({ station: ctx.station, path, speed: 'max', chunkS: 1, report: ctx.report, recycle }),
            featureConfig: cfg,
            sliding: { durationS: 2, hopS: 1 },
            events: { minS: 0.3, maxS: 3, thresholdDb: 8, bandHz: [1500, 7000] },
            model: null,
            restart: false,
          }).pipe(toArray()),
        );
      const windows = (evs: StationEvent[]): Window[] => evs.flatMap((e) => (e.type === 'result' ? [e.result.window] : []));
      const fresh = windows(await run(false));
      const reused = windows(await run(true));
      expect(reused.length).toBe(fresh.length);
      expect(reused.some((w) => w.kind === 'event')).toBe(true);
      expect(reused.filter((w) => w.kind === 'sliding').length).toBeGreaterThanOrEqual(dur - 2);
      for (let i = 0; i < fresh.length; i++) {
        const [a, b] = [fresh[i], reused[i]];
        expect([b.kind, b.start, b.end, b.origin, b.freqLowHz, b.freqHighHz]).toEqual([a.kind, a.start, a.end, a.origin, a.freqLowHz, a.freqHighHz]);
        // read only now, after the whole replay: the recycled buffer holds the last block by now
        expect(b.samples).toEqual(a.samples);
        expect(b.mel?.data).toEqual(a.mel?.data);
      }
      if (sr === analysisRate) {
        // and they are the file's samples at their own times (not just equal to each other)
        const q = quantise16(x);
        const w = reused.find((v) => v.kind === 'sliding' && v.start >= 10_000) as Window;
        const from = Math.round(((w.start - reused[0].start) * sr) / 1000);
        expect(w.samples).toEqual(q.subarray(from, from + w.samples.length));
      }
    });
  }
});
