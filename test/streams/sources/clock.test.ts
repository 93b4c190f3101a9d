import { describe, expect, it } from 'vitest';
import { createClock } from '../../../streams/sources/clock.ts';
import type { SourceEvent } from '../../../streams/types.ts';

function setup(driftThresholdS = 2) {
  const events: SourceEvent[] = [];
  const clock = createClock({ station: 's', report: (e) => events.push(e), driftThresholdS });
  return { clock, events };
}

describe('stream clock', () => {
  it('wall clock: anchors at arrival − duration, then continues by sample count despite jitter', () => {
    const { clock, events } = setup();
    // 0.5 s blocks at 1 kHz arriving with ±100 ms jitter
    expect(clock.stamp(500, 1000, 10_500)).toBe(10_000);
    expect(clock.stamp(500, 1000, 11_100)).toBe(10_500);
    expect(clock.stamp(500, 1000, 11_400)).toBe(11_000);
    expect(events).toEqual([]);
  });

  it('a months-long stream keeps exact times: block k starts at anchor + k·n/rate, not at a sum of durations', () => {
    const { clock, events } = setup();
    const n = 4096, sr = 48_000; // 85.333… ms blocks: not exact in binary
    const t0 = Date.UTC(2026, 0, 1);
    const dur = (n / sr) * 1000;
    let summed = t0;
    let worstSum = 0;
    let worst = 0;
    const blocks = 2_000_000; // ~47 h of audio
    for (let k = 0; k < blocks; k++) {
      const exact = t0 + ((k * n) / sr) * 1000;
      const got = clock.stamp(n, sr, exact + dur); // arrives on time: the stream continues
      worst = Math.max(worst, Math.abs(got - exact));
      worstSum = Math.max(worstSum, Math.abs(summed - exact));
      summed += dur;
    }
    expect(events).toEqual([]);
    expect(worst).toBeLessThanOrEqual(2.5e-4); // one rounding of epoch ms (ulp 2.4e-4 here)
    // what adding durations would have given (the old way): many roundings, far off by now
    expect(worstSum).toBeGreaterThan(1e-2);
  });

  it('reports drift beyond the threshold and re-anchors', () => {
    const { clock, events } = setup(2);
    clock.stamp(1000, 1000, 1000); // t0 = 0
    // next second of audio arrives 3.5 s late: 2.5 s of drift
    const t0 = clock.stamp(1000, 1000, 5000);
    expect(t0).toBe(4000);
    expect(events).toHaveLength(1);
    const e = events[0];
    expect(e.type).toBe('clock');
    if (e.type === 'clock') expect(e.driftS).toBeCloseTo(3, 6);
  });

  it('reports a burst that runs ahead of the wall clock and re-anchors backwards', () => {
    const { clock, events } = setup(2);
    clock.stamp(1000, 1000, 1000);
    for (let i = 0; i < 3; i++) clock.stamp(1000, 1000, 1001);
    expect(events.filter((e) => e.type === 'clock')).toHaveLength(1);
  });

  it('source time: a skip ahead is a gap; a small mismatch is absorbed; going back is a clock event', () => {
    const { clock, events } = setup();
    expect(clock.stamp(1000, 1000, 0, 100_000)).toBe(100_000);
    expect(clock.stamp(1000, 1000, 0, 101_020)).toBe(101_000); // 20 ms jitter
    expect(clock.stamp(1000, 1000, 0, 104_000)).toBe(104_000); // 2 s missing
    expect(events).toEqual([{ type: 'gap', station: 's', start: 102_000, lengthS: 2, reason: 'source time skipped ahead (audio missing)' }]);
    expect(clock.stamp(1000, 1000, 0, 103_000)).toBe(103_000);
    expect(events[1].type).toBe('clock');
  });

  it('a break re-anchors at the wall clock and records the hole with its reason', () => {
    const { clock, events } = setup();
    clock.stamp(1000, 1000, 1000);
    clock.break('server dropped');
    expect(clock.stamp(1000, 1000, 8000)).toBe(7000);
    expect(events).toEqual([{ type: 'gap', station: 's', start: 1000, lengthS: 6, reason: 'server dropped' }]);
  });

  it('a break whose new anchor lines up with the old stream is still recorded (a ~0 s gap)', () => {
    const { clock, events } = setup();
    clock.stamp(1000, 1000, 1000);
    clock.break('ffmpeg exited');
    expect(clock.stamp(1000, 1000, 2020)).toBe(1020);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'gap', start: 1000, reason: 'ffmpeg exited' });
    expect((events[0] as { lengthS: number }).lengthS).toBeCloseTo(0.02, 9);
  });
});
