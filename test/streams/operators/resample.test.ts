import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { resample } from '../../../streams/dsp/resample.ts';
import { resampleTo } from '../../../streams/operators/resample.ts';
import type { PcmChunk } from '../../../streams/types.ts';
import { noise } from '../dsp/signals.ts';

const T0 = Date.UTC(2024, 5, 1, 12);

function chunks(x: Float32Array, sr: number, size: number, opts: { station?: string; t0?: number; seq0?: number; file?: string } = {}): PcmChunk[] {
  const out: PcmChunk[] = [];
  for (let i = 0, k = 0; i < x.length; i += size, k++) {
    out.push({
      station: opts.station ?? 'st',
      sampleRate: sr,
      samples: x.slice(i, i + size),
      t0: (opts.t0 ?? T0) + (i * 1000) / sr,
      seq: (opts.seq0 ?? 0) + k,
      ...(opts.file ? { origin: { file: opts.file, offsetS: i / sr } } : {}),
    });
  }
  return out;
}

describe('resampleTo', () => {
  it('48 kHz chunks → 16 kHz: same samples as one-shot, true times, seq kept, tail flushed', async () => {
    const x = noise(48000, 0.4, 5);
    const input = chunks(x, 48000, 4800, { file: 'a.wav' });
    const out = await lastValueFrom(from(input).pipe(resampleTo(16000), toArray()));
    expect(out.length).toBe(input.length + 1);
    const cat = new Float32Array(out.reduce((s, c) => s + c.samples.length, 0));
    let o = 0;
    for (const [i, c] of out.entries()) {
      expect(c.sampleRate).toBe(16000);
      expect(c.seq).toBe(i);
      // t0 is the true time of the chunk's first output sample
      expect(c.t0).toBeCloseTo(T0 + (o * 1000) / 16000, 6);
      expect(c.origin?.offsetS).toBeCloseTo(o / 16000, 9);
      cat.set(c.samples, o);
      o += c.samples.length;
    }
    expect(Array.from(cat)).toEqual(Array.from(resample(x, 48000, 16000)));
  });

  it('restarts a station on a seq jump or a rate change, skipping an output seq; other stations are unaffected', async () => {
    const a1 = chunks(noise(9600, 0.2, 1), 48000, 4800, { station: 'a' });
    const a2 = chunks(noise(9600, 0.2, 2), 48000, 4800, { station: 'a', t0: T0 + 10_000, seq0: 5 });
    const a3 = chunks(noise(4410, 0.2, 3), 44100, 4410, { station: 'a', t0: T0 + 20_000, seq0: 7 });
    const b = chunks(noise(16000, 0.2, 4), 16000, 4000, { station: 'b' });
    const out = await lastValueFrom(from([...a1, b[0], ...a2, b[1], ...a3, b[2], b[3]]).pipe(resampleTo(16000), toArray()));
    const a = out.filter((c) => c.station === 'a');
    const i2 = a.findIndex((c) => c.t0 >= T0 + 10_000);
    expect(a[i2].t0).toBe(T0 + 10_000);
    expect(a[i2].seq).toBe(a[i2 - 1].seq + 2); // the break is visible downstream
    const i3 = a.findIndex((c) => c.t0 >= T0 + 20_000);
    expect(a[i3].t0).toBe(T0 + 20_000);
    expect(a[i3].seq).toBe(a[i3 - 1].seq + 2);
    // run 1 was flushed (its full 0.2 s came out) before run 2 began
    expect(a.slice(0, i2).reduce((n, c) => n + c.samples.length, 0)).toBe(3200);
    // run 2 output equals that run resampled on its own (the filter restarted)
    const run2 = a.slice(i2, i3).flatMap((c) => Array.from(c.samples));
    expect(run2).toEqual(Array.from(resample(noise(9600, 0.2, 2), 48000, 16000)));
    // 16 kHz station b passes through untouched
    const bOut = out.filter((c) => c.station === 'b');
    expect(bOut.map((c) => c.samples)).toEqual(b.map((c) => c.samples));
  });

  it('starts a new run when t0 jumps though seq runs on (a folder of recordings with time between them)', async () => {
    const first = chunks(noise(9600, 0.2, 1), 48000, 4800, { file: 'a.wav' });
    const second = chunks(noise(9600, 0.2, 2), 48000, 4800, { t0: T0 + 60_000, seq0: 2, file: 'b.wav' });
    const out = await lastValueFrom(from([...first, ...second]).pipe(resampleTo(16000), toArray()));
    const i = out.findIndex((c) => c.t0 >= T0 + 60_000);
    expect(out[i].t0).toBe(T0 + 60_000);
    expect(out[i].origin).toEqual({ file: 'b.wav', offsetS: 0 });
    expect(out[i].seq).toBe(out[i - 1].seq + 2);
  });

  it('never lets a chunk straddle two files of one continuous run', async () => {
    // b.wav starts exactly where a.wav ends: one run, two origins.
    const x = noise(96000, 0.2, 9);
    const input = [
      ...chunks(x.subarray(0, 9600), 48000, 3000, { file: 'a.wav' }),
      ...chunks(x.subarray(9600), 48000, 3000, { t0: T0 + 200, seq0: 4, file: 'b.wav' }),
    ];
    const out = await lastValueFrom(from(input).pipe(resampleTo(16000), toArray()));
    expect(out.every((c, k) => k === 0 || c.seq === out[k - 1].seq + 1)).toBe(true); // no break
    let o = 0;
    for (const c of out) {
      const tS = o / 16000;
      if (c.samples.length > 0) {
        const file = tS < 0.2 - 1e-9 ? 'a.wav' : 'b.wav';
        expect(c.origin?.file).toBe(file);
        expect(c.origin?.offsetS).toBeCloseTo(file === 'a.wav' ? tS : tS - 0.2, 9);
        // its last sample lies in the same file
        const lastS = (o + c.samples.length - 1) / 16000;
        expect(lastS < 0.2 - 1e-9 ? 'a.wav' : 'b.wav').toBe(file);
      }
      o += c.samples.length;
    }
    const cat = out.flatMap((c) => Array.from(c.samples));
    expect(cat).toEqual(Array.from(resample(x, 48000, 16000)));
  });

  it('rejects a bad target rate', () => {
    expect(() => resampleTo(0)).toThrow(/rate/);
  });
});
