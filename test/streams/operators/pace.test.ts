import { describe, it, expect } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { from } from 'rxjs';
import { pace, PaceClock } from '../../../streams/operators/pace.ts';
import type { PcmChunk } from '../../../streams/types.ts';

/** A chunk of `durMs` ms of audio at 1 kHz. */
function chunk(seq: number, durMs: number, t0 = seq * 1000): PcmChunk {
  return { station: 's', sampleRate: 1000, samples: new Float32Array(durMs), t0, seq };
}

function scheduler(): TestScheduler {
  return new TestScheduler((a, b) => expect(a).toEqual(b));
}

describe('pace (marble tests on virtual time)', () => {
  it('speed 1: 100 ms chunks all available at once come out 100 ms apart', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const c = { a: chunk(0, 100), b: chunk(1, 100), c: chunk(2, 100), d: chunk(3, 100) };
      const src = cold('(abcd|)', c);
      expectObservable(src.pipe(pace(1, ts))).toBe('a 99ms b 99ms c 99ms (d|)', c);
    });
  });

  it('speed 4: 100 ms chunks come out 25 ms apart', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const c = { a: chunk(0, 100), b: chunk(1, 100), c: chunk(2, 100) };
      expectObservable(cold('(abc|)', c).pipe(pace(4, ts))).toBe('a 24ms b 24ms (c|)', c);
    });
  });

  it('a chunk that arrives late goes out at once; later ones keep the original schedule', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const c = { a: chunk(0, 100), b: chunk(1, 100), c: chunk(2, 100) };
      // b arrives at 250 ms (due at 100): released at once; c is due at 200 → also at once.
      expectObservable(cold('a 249ms (bc|)', c).pipe(pace(1, ts))).toBe('a 249ms (bc|)', c);
    });
  });

  it('durations, not t0 gaps, set the pace (a day-long gap between files does not stall replay)', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const c = { a: chunk(0, 50, 0), b: chunk(1, 50, 86_400_000) };
      expectObservable(cold('(ab|)', c).pipe(pace(1, ts))).toBe('a 49ms (b|)', c);
    });
  });

  it("'max' passes chunks straight through", () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const c = { a: chunk(0, 100), b: chunk(1, 100) };
      expectObservable(cold('(ab|)', c).pipe(pace('max', ts))).toBe('(ab|)', c);
    });
  });

  it('each subscription starts its own clock', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const c = { a: chunk(0, 100), b: chunk(1, 100) };
      const paced = cold('(ab|)', c).pipe(pace(2, ts));
      expectObservable(paced).toBe('a 49ms (b|)', c);
      expectObservable(paced, '100ms ^').toBe('100ms a 49ms (b|)', c);
    });
  });

  it('bad speeds are refused', () => {
    for (const s of [0, -1, NaN, Infinity]) expect(() => pace(s)).toThrow(/replay speed/);
    expect(() => from([]).pipe(pace(0.5))).not.toThrow();
  });
});

describe('PaceClock', () => {
  it('waits are measured from the first chunk on an injected clock', () => {
    let now = 1000;
    const c = new PaceClock(2, () => now);
    expect(c.wait(1)).toBe(0); // first chunk: at once
    expect(c.wait(1)).toBe(500); // due 500 ms after the first at speed 2
    now = 1700;
    expect(c.wait(1)).toBe(300); // due at 2000
    now = 5000;
    expect(c.wait(1)).toBe(0); // behind: catch up without waiting
  });
});
