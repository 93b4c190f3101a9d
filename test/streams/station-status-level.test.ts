import { describe, expect, it } from 'vitest';
import { StatusTracker, sumOfSquares } from '../../streams/station-status.ts';
import type { PcmChunk } from '../../streams/types.ts';

const SR = 48_000;

function tone(n: number, amp: number, hz: number, sr = SR, phase = 0): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin(phase + (2 * Math.PI * hz * i) / sr);
  return x;
}

/** The plain loop the unrolled one replaces. */
function naive(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

describe('level meter', () => {
  it('sumOfSquares equals the plain sum for every length (tails of 0–3 samples) and offset view', () => {
    const x = tone(1031, 0.7, 997);
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 1023, 1030, 1031]) {
      expect(sumOfSquares(x.subarray(0, n))).toBeCloseTo(naive(x.subarray(0, n)), 9);
      expect(sumOfSquares(x.subarray(1031 - n))).toBeCloseTo(naive(x.subarray(1031 - n)), 9);
    }
    expect(sumOfSquares(new Float32Array([3, -4]))).toBe(25);
  });

  it('reports the RMS of a 1 kHz tone of amplitude 0.5 as 20·log10(0.5/√2) dBFS, in uneven chunks', () => {
    const t = new StatusTracker('st');
    expect(t.snapshot().rmsDb).toBeNull();
    const x = tone(SR, 0.5, 1000);
    // chunk lengths that are not multiples of 4, so the tail loop runs
    let seq = 0;
    for (let o = 0; o < x.length; ) {
      const n = Math.min(x.length - o, 4801 + (seq % 3));
      const c: PcmChunk = { station: 'st', sampleRate: SR, samples: x.subarray(o, o + n), t0: (o * 1000) / SR, seq: seq++ };
      t.onChunk(c);
      o += n;
    }
    const want = 20 * Math.log10(0.5 / Math.SQRT2); // −9.03 dB
    expect(t.snapshot().rmsDb).toBeCloseTo(want, 3);
  });

  it('follows the level of the latest second: a tone 20 dB quieter reads 20 dB lower', () => {
    const t = new StatusTracker('st');
    t.onChunk({ station: 'st', sampleRate: SR, samples: tone(SR, 0.5, 440), t0: 0, seq: 0 });
    const loud = t.snapshot().rmsDb as number;
    t.onChunk({ station: 'st', sampleRate: SR, samples: tone(SR, 0.05, 440), t0: 1000, seq: 1 });
    expect((t.snapshot().rmsDb as number) - loud).toBeCloseTo(-20, 3);
    // silence is the floor, not -Infinity
    t.onChunk({ station: 'st', sampleRate: SR, samples: new Float32Array(SR), t0: 2000, seq: 2 });
    expect(t.snapshot().rmsDb).toBe(-200);
  });

  it('a chunk longer than a second (fast replay) reports its last second, whatever came before', () => {
    const t = new StatusTracker('st');
    // half a second of a loud tone accumulated, then 5 s: 4 s loud, the last second 20 dB quieter
    t.onChunk({ station: 'st', sampleRate: SR, samples: tone(SR / 2, 0.9, 300), t0: 0, seq: 0 });
    expect(t.snapshot().rmsDb).toBeNull();
    const x = new Float32Array(5 * SR);
    x.set(tone(4 * SR, 0.5, 1000));
    x.set(tone(SR, 0.05, 1000), 4 * SR);
    t.onChunk({ station: 'st', sampleRate: SR, samples: x, t0: 500, seq: 1 });
    expect(t.snapshot().rmsDb).toBeCloseTo(20 * Math.log10(0.05 / Math.SQRT2), 3);
    // exactly one second, at another rate
    t.onChunk({ station: 'st', sampleRate: 16_000, samples: tone(16_000, 0.25, 500, 16_000), t0: 5500, seq: 2 });
    expect(t.snapshot().rmsDb).toBeCloseTo(20 * Math.log10(0.25 / Math.SQRT2), 3);
  });
});
