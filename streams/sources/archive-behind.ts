// How far a paced archive replay trails its schedule: the audio that should have been released by
// now (wall time since the first chunk × speed) minus the audio released so far. The replay's own
// pacing (PaceClock) never waits when it is late, so this grows only while the pipeline downstream
// is slower than the speed asks, and shrinks again as it catches up.
//
// Lateness below `toleranceS` of wall time (timer jitter, a block read) counts as keeping up, so a
// replay that keeps up reads 0 rather than a few flickering milliseconds.
export class BehindMeter {
  private start: number | null = null;
  /** Audio released so far, ms of audio time. */
  private playedMs = 0;

  constructor(
    private readonly speed: number,
    private readonly now: () => number,
    private readonly toleranceS = 0.1,
  ) {}

  /** Call just before releasing a chunk of `durationS`: seconds of audio behind schedule (0 when on time); then counts the chunk. */
  next(durationS: number): number {
    const now = this.now();
    if (this.start === null) this.start = now;
    const behindMs = (now - this.start) * this.speed - this.playedMs;
    this.playedMs += durationS * 1000;
    const tolMs = Math.max(durationS * 1000, this.toleranceS * 1000 * this.speed);
    return behindMs > tolMs ? Math.round(behindMs) / 1000 : 0;
  }
}
