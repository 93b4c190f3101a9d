// Chunks resampleTo emits are kept downstream (the run buffer holds them for windows and events
// without copying unless marked recycled): a later block must never change one already emitted,
// even when the source recycles its own read buffer (replay at full speed).
import { from, lastValueFrom, Observable, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isRecycled, markRecycled } from '../../../streams/audio/recycled.ts';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { resampleTo } from '../../../streams/operators/resample.ts';
import type { PcmChunk } from '../../../streams/types.ts';
import { noise } from '../dsp/signals.ts';

const T0 = Date.UTC(2024, 5, 1, 12);

beforeAll(async () => {
  await initDsp();
});

/** 48 kHz chunks of `size` samples, each a view of one buffer rewritten per chunk (marked recycled). */
function recyclingSource(x: Float32Array, size: number): Observable<PcmChunk> {
  return new Observable<PcmChunk>((sub) => {
    const buf = new Float32Array(size);
    markRecycled(buf);
    for (let i = 0, seq = 0; i < x.length; i += size, seq++) {
      const n = Math.min(size, x.length - i);
      buf.set(x.subarray(i, i + n));
      sub.next({ station: 'st', sampleRate: 48000, samples: buf.subarray(0, n), t0: T0 + (i * 1000) / 48000, seq });
      buf.fill(-7); // the next read overwrites it
    }
    sub.complete();
  });
}

function freshChunks(x: Float32Array, size: number): PcmChunk[] {
  const out: PcmChunk[] = [];
  for (let i = 0, seq = 0; i < x.length; i += size, seq++) {
    out.push({ station: 'st', sampleRate: 48000, samples: x.slice(i, i + size), t0: T0 + (i * 1000) / 48000, seq });
  }
  return out;
}

describe('resampleTo: emitted chunks held across blocks', () => {
  it.each([240000, 4800, 700])('%i-sample chunks from a recycling source: every held chunk equals a fresh run’s', async (size) => {
    const x = noise(48000 * 12, 0.5, 21);
    const held: PcmChunk[] = [];
    const snapshots: Float32Array[] = [];
    await new Promise<void>((resolve, reject) => {
      recyclingSource(x, size)
        .pipe(resampleTo(16000))
        .subscribe({
          next: (c) => {
            held.push(c);
            // what a stage that keeps samples would keep: the samples as they are now
            snapshots.push(c.samples.slice());
          },
          error: reject,
          complete: resolve,
        });
    });
    const fresh = await lastValueFrom(from(freshChunks(x, size)).pipe(resampleTo(16000), toArray()));
    expect(held.length).toBe(fresh.length);
    for (const [k, c] of held.entries()) {
      expect(c.seq).toBe(fresh[k].seq);
      expect(c.t0).toBe(fresh[k].t0);
      // chunks not marked recycled are kept as views: they must still hold what was emitted
      if (!isRecycled(c.samples)) expect(Array.from(c.samples)).toEqual(Array.from(snapshots[k]));
      expect(Array.from(snapshots[k])).toEqual(Array.from(fresh[k].samples));
    }
  });
});
