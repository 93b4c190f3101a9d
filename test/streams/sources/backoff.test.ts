import { describe, expect, it } from 'vitest';
import { backoffCeiling, createBackoff } from '../../../streams/sources/backoff.ts';

describe('backoff', () => {
  it('doubles the ceiling from 1 s and caps it at 60 s', () => {
    expect([0, 1, 2, 3, 5, 6, 7, 50, 2000].map((n) => backoffCeiling(n, 1000, 60_000))).toEqual([
      1000, 2000, 4000, 8000, 32_000, 60_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('full jitter: delay = random × ceiling', () => {
    const seq = [0.5, 0.25, 1 - 1e-9, 0];
    let i = 0;
    const b = createBackoff({ random: () => seq[i++] });
    expect(b.failed(0)).toBe(500);
    expect(b.failed(0)).toBe(500); // 0.25 × 2000
    expect(b.failed(0)).toBeCloseTo(4000, 3);
    expect(b.failed(0)).toBe(0);
    expect(b.attempts).toBe(4);
  });

  it('a connection that flaps (live < 30 s) keeps growing the delay; one healthy for 30 s resets it', () => {
    const b = createBackoff({ random: () => 1 - 1e-12 });
    let t = 0;
    const delays: number[] = [];
    for (let k = 0; k < 4; k++) {
      delays.push(Math.round(b.failed(t)));
      t += 5_000;
      b.live(t);
      t += 10_000; // live 10 s only
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    b.live(t);
    t += 30_000; // now healthy long enough (liveSince stays at the first live() call)
    expect(Math.round(b.failed(t))).toBe(1000);
    expect(b.attempts).toBe(1);
  });

  it('no retry storm: an hour of a dead server costs few attempts', () => {
    const b = createBackoff({ random: () => 0.5 });
    let t = 0;
    let attempts = 0;
    while (t < 3_600_000) {
      t += b.failed(t);
      attempts++;
    }
    // 0.5 × 60 s = 30 s per attempt once capped: ~120 attempts, not thousands.
    expect(attempts).toBeGreaterThan(100);
    expect(attempts).toBeLessThan(135);
  });
});
