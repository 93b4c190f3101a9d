// Gives every block of samples its absolute time. The source's own time wins when it has one
// (HLS folder time + segment offsets, a pusher's header/frame timestamps); otherwise the wall
// clock at arrival anchors the stream and the sample count carries it on. Whatever does not add
// up — lost audio, drift past a threshold, time running backwards — is reported, then the clock
// re-anchors: never hidden, never silently smeared.
import type { SourceEvent } from '../types.ts';

export interface ClockOptions {
  readonly station: string;
  readonly report?: (e: SourceEvent) => void;
  /** Wall-clock drift beyond this re-anchors (and is reported). */
  readonly driftThresholdS?: number;
  /** Source-time mismatches below this are jitter, not gaps or jumps. */
  readonly toleranceS?: number;
}

export interface StreamClock {
  /**
   * Time of the first of `n` samples that arrived at `arrival` (epoch ms). `sourceT0` is the
   * source's own time for them, when it says.
   */
  stamp(n: number, sampleRate: number, arrival: number, sourceT0?: number): number;
  /** The stream broke (reconnect, missing segment): the next block re-anchors and the hole is reported as a gap with this reason. */
  break(reason: string): void;
  /** Epoch ms one past the last stamped sample, or null before the first block. */
  readonly expected: number | null;
}

export function createClock(opts: ClockOptions): StreamClock {
  const { station } = opts;
  const report = opts.report ?? (() => {});
  const driftMs = (opts.driftThresholdS ?? 2) * 1000;
  const tolMs = (opts.toleranceS ?? 0.05) * 1000;
  // Continuing blocks are timed from an anchor and the samples counted since it, never by adding
  // block durations: epoch milliseconds carry ~2e-4 ms of rounding per addition, which a station
  // running for months (tens of millions of blocks) would pile up into seconds.
  let anchor = 0;
  let anchorRate = 0;
  let counted = 0;
  let expected: number | null = null;
  let breakReason: string | null = null;

  const gap = (start: number, end: number, reason: string): void => {
    if (end - start > tolMs) report({ type: 'gap', station, start, lengthS: (end - start) / 1000, reason });
  };

  return {
    get expected() {
      return expected;
    },
    break(reason: string): void {
      // Keep the first reason when several breaks pile up before audio returns.
      if (breakReason === null) breakReason = reason;
    },
    stamp(n: number, sampleRate: number, arrival: number, sourceT0?: number): number {
      const durMs = (n / sampleRate) * 1000;
      let t0: number | null; // null: the block continues the stream
      if (sourceT0 !== undefined && Number.isFinite(sourceT0)) {
        t0 = sourceT0;
        if (expected !== null) {
          const diff = sourceT0 - expected;
          if (diff > tolMs) gap(expected, sourceT0, breakReason ?? 'source time skipped ahead (audio missing)');
          else if (diff < -tolMs) {
            report({ type: 'clock', station, at: arrival, driftS: diff / 1000, message: `source time went back ${(-diff / 1000).toFixed(3)} s${breakReason ? ` after ${breakReason}` : ''}` });
          } else t0 = null; // jitter: stay sample-continuous
        }
      } else if (expected === null) {
        t0 = arrival - durMs;
      } else if (breakReason !== null) {
        t0 = arrival - durMs;
        // Wall clock after a break: whatever was lost cannot be measured exactly, so the break is
        // always recorded — as a gap (possibly of ~0 s when a burst had run the stream ahead)…
        if (t0 >= expected - tolMs) {
          report({ type: 'gap', station, start: expected, lengthS: Math.max(0, t0 - expected) / 1000, reason: breakReason });
        } else {
          // …or, when the wall clock is clearly behind the stream, as a re-anchor.
          report({ type: 'clock', station, at: arrival, driftS: (t0 - expected) / 1000, message: `after ${breakReason} the wall clock is behind the stream by ${((expected - t0) / 1000).toFixed(3)} s; re-anchored` });
        }
      } else {
        t0 = null;
        const wall = arrival - durMs;
        const drift = wall - expected; // > 0: audio arrives slower than its sample rate says
        if (Math.abs(drift) > driftMs) {
          report({
            type: 'clock',
            station,
            at: arrival,
            driftS: drift / 1000,
            message: drift > 0
              ? `stream fell ${(drift / 1000).toFixed(3)} s behind the wall clock (samples lost or slow clock); re-anchored`
              : `stream ran ${(-drift / 1000).toFixed(3)} s ahead of the wall clock (burst or fast clock); re-anchored`,
          });
          t0 = wall;
        }
      }
      breakReason = null;
      if (t0 === null && sampleRate === anchorRate) t0 = anchor + (counted / anchorRate) * 1000;
      else {
        t0 ??= expected as number; // a new rate continuing the stream: anchor where it stands
        anchor = t0;
        anchorRate = sampleRate;
        counted = 0;
      }
      counted += n;
      expected = anchor + (counted / anchorRate) * 1000;
      return t0;
    },
  };
}
