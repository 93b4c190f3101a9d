import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { slidingWindows } from '../../../streams/operators/windows.ts';
import type { Window } from '../../../streams/types.ts';
import { makeBlocks, ramp } from '../../helpers/blocks.ts';

const T0 = Date.UTC(2009, 2, 28, 0, 15, 0);

async function run(blocks: ReturnType<typeof makeBlocks>, durationS: number, hopS: number): Promise<Window[]> {
  return lastValueFrom(from(blocks).pipe(slidingWindows({ durationS, hopS }), toArray()));
}

describe('slidingWindows', () => {
  const sr = 1000;
  const samples = ramp(10_000);
  const spec = { sampleRate: sr, hop: 100, nMels: 4, samples, t0: T0, mel: (f: number, m: number) => f * 10 + m };

  it('cuts windows at exact sample positions with absolute times', async () => {
    const wins = await run(makeBlocks({ ...spec, chunk: 333 }), 2, 1);
    // Nine full windows, then the 1 s tail of the stream (half a window is worth classifying).
    expect(wins.map((w) => (w.start - T0) / 1000)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(wins[9].samples.length).toBe(1000);
    for (const w of wins.slice(0, 9)) {
      expect(w.end - w.start).toBe(2000);
      expect(w.samples.length).toBe(2000);
      const first = Math.round(((w.start - T0) * sr) / 1000);
      expect(w.samples[0]).toBeCloseTo(samples[first], 6);
      expect(w.samples[1999]).toBeCloseTo(samples[first + 1999], 6);
      expect(w.kind).toBe('sliding');
      expect(w.station).toBe('st');
    }
  });

  it('gives each window the mel frames centred inside it', async () => {
    const wins = await run(makeBlocks({ ...spec, chunk: 250 }), 2, 1);
    const w = wins[3]; // samples 3000..5000 → frames 30..49
    expect(w.mel?.count).toBe(20);
    expect(w.mel?.data[0]).toBe(300);
    expect(w.mel?.data[19 * 4 + 3]).toBe(493);
  });

  it('cuts the same windows however the stream is chunked', async () => {
    const a = await run(makeBlocks({ ...spec, chunk: 97 }), 1.5, 0.5);
    const b = await run(makeBlocks({ ...spec, chunk: 2048 }), 1.5, 0.5);
    expect(a.length).toBe(b.length);
    expect(a.map((w) => [w.start, w.end])).toEqual(b.map((w) => [w.start, w.end]));
    for (let i = 0; i < a.length; i++) {
      expect(Array.from(a[i].samples)).toEqual(Array.from(b[i].samples));
      expect(Array.from(a[i].mel?.data ?? [])).toEqual(Array.from(b[i].mel?.data ?? []));
    }
  });

  it('starts over, aligned to the new run, after a gap', async () => {
    const first = makeBlocks({ ...spec, samples: ramp(3500), chunk: 500, run: 0 });
    const second = makeBlocks({ ...spec, samples: ramp(3000), chunk: 500, run: 1, t0: T0 + 60_000, firstSeq: 10 });
    const wins = await run([...first, ...second], 2, 1);
    // run 0: windows at 0 and 1 s, plus the 1.5 s tail at 2 s; run 1: windows at 60 and 61 s.
    expect(wins.map((w) => [(w.start - T0) / 1000, (w.end - T0) / 1000])).toEqual([
      [0, 2],
      [1, 3],
      [2, 3.5],
      [60, 62],
      [61, 63],
      [62, 63],
    ]);
  });

  it('keeps memory bounded on a long stream', async () => {
    const long = makeBlocks({ ...spec, samples: new Float32Array(600_000), chunk: 1000, mel: () => 1 });
    const wins = await run(long, 2, 1);
    expect(wins.length).toBe(600);
  });

  it('rejects a window of zero length', () => {
    expect(() => slidingWindows({ durationS: 0, hopS: 1 })).toThrow(/duration/);
  });

  it('emits a window as soon as its last frame arrives (marble)', () => {
    const blocks = makeBlocks({ ...spec, samples: ramp(4000), chunk: 1000, nFft: 400 });
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const input = cold('a-b-c-(d|)', { a: blocks[0], b: blocks[1], c: blocks[2], d: blocks[3] });
      const starts = input.pipe(slidingWindows({ durationS: 2, hopS: 1, minTailShare: 1 }));
      // Window [0,2) needs frames up to 19, complete once 2200 samples are in (block c);
      // window [1,3) needs samples to 3200 (block d); so does [2,4), which d completes (it carries the flush).
      expectObservable(starts, '^------!').toBe('----x-(yz|)', {
        x: expect.objectContaining({ start: T0 }),
        y: expect.objectContaining({ start: T0 + 1000 }),
        z: expect.objectContaining({ start: T0 + 2000 }),
      });
    });
  });
});
