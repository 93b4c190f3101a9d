// Replay at a chosen speed: chunk k is released no sooner than (audio before chunk k) / speed after
// the first chunk. Audio time is the sum of chunk durations (not t0 differences), so a recording gap
// between archived files does not stall a replay for hours.
//
// Backpressure: RxJS is push-based, so this operator must buffer what its source pushes while it
// waits. Sources that can be pulled (the archive replay) should not be followed by pace(); they take
// `speed` themselves and use PaceClock to wait *before* reading the next block, which keeps only one
// block in memory. pace() is for sources that already hold their chunks or arrive faster than wanted.
import { asyncScheduler, concatMap, defer, map, of, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import type { PcmChunk } from '../types.ts';

/** Speed factor: 1 = real time, 10 = ten times faster, 'max' = as fast as the consumer takes it. */
export type ReplaySpeed = number | 'max';

export function validateSpeed(speed: ReplaySpeed): void {
  if (speed === 'max') return;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) {
    throw new RangeError(`replay speed must be a positive number or 'max', got ${String(speed)}`);
  }
}

/**
 * The schedule of a paced replay. `wait(durationS)` returns how long (ms) to hold the next chunk
 * of that duration, then counts it as played. Pure apart from the injected clock.
 */
export class PaceClock {
  private start: number | null = null;
  /** Audio released so far, ms of audio time (pacing only: sub-µs float error is harmless here). */
  private playedMs = 0;

  constructor(private readonly speed: ReplaySpeed, private readonly now: () => number = Date.now) {
    validateSpeed(speed);
  }

  wait(durationS: number): number {
    if (this.speed === 'max') return 0;
    const now = this.now();
    if (this.start === null) this.start = now;
    const due = this.start + this.playedMs / this.speed;
    this.playedMs += durationS * 1000;
    return Math.max(0, due - now);
  }
}

/** Release chunks at `speed` × real time. 'max' passes them straight through. */
export function pace(speed: ReplaySpeed, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<PcmChunk> {
  validateSpeed(speed);
  if (speed === 'max') return (source) => source;
  return (source) =>
    defer(() => {
      // One clock per subscription: re-subscribing replays from a fresh start.
      const clock = new PaceClock(speed, () => scheduler.now());
      return source.pipe(
        concatMap((chunk) => {
          const wait = clock.wait(chunk.samples.length / chunk.sampleRate);
          return wait > 0 ? timer(wait, scheduler).pipe(map(() => chunk)) : of(chunk);
        }),
      );
    });
}
