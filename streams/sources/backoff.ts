// Reconnect delays: exponential with full jitter (AWS style), capped, and forgiven after the
// connection has been healthy for a while — so a flapping server is not hammered, and a station
// that was fine for an hour reconnects quickly after a single drop. Pure: time is passed in.

export interface BackoffOptions {
  /** First ceiling, ms. */
  readonly baseMs?: number;
  /** Largest ceiling, ms. */
  readonly maxMs?: number;
  /** Live for at least this long → the next failure starts over from baseMs. */
  readonly resetAfterMs?: number;
  /** Uniform [0, 1); injectable for tests. */
  readonly random?: () => number;
}

export interface Backoff {
  /** Failures since the last reset (the attempt number of the next retry, 0-based). */
  readonly attempts: number;
  /** Call when a connection attempt failed or a live connection dropped; returns the delay before the next try. */
  failed(now: number): number;
  /** Call when the connection delivered audio (became healthy). */
  live(now: number): void;
  reset(): void;
}

export const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 60_000, resetAfterMs: 30_000 } as const;

/** The ceiling for attempt n: base·2ⁿ, capped. */
export function backoffCeiling(attempt: number, baseMs: number, maxMs: number): number {
  // 2^n overflows to Infinity for big n; Math.min handles that.
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
}

export function createBackoff(opts: BackoffOptions = {}): Backoff {
  const baseMs = opts.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const maxMs = opts.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const resetAfterMs = opts.resetAfterMs ?? DEFAULT_BACKOFF.resetAfterMs;
  const random = opts.random ?? Math.random;
  let attempts = 0;
  let liveSince: number | null = null;
  return {
    get attempts() {
      return attempts;
    },
    failed(now: number): number {
      if (liveSince !== null && now - liveSince >= resetAfterMs) attempts = 0;
      liveSince = null;
      const delay = random() * backoffCeiling(attempts, baseMs, maxMs);
      attempts += 1;
      return delay;
    },
    live(now: number): void {
      if (liveSince === null) liveSince = now;
    },
    reset(): void {
      attempts = 0;
      liveSince = null;
    },
  };
}
