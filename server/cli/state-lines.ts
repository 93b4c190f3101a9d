// Which station states the console tells an operator about (`listen`, `replay`, `run`), and when:
// one line as a station enters such a state, none while the periodic status repeats it. The
// pipeline re-sends the current status every few seconds; printing each would bury the log.
import type { SourceState, StationStatus } from '../../streams/types.ts';

/** Worth a line: something is wrong (stalled, down, faulted) or nothing to play yet (waiting). */
const TOLD: ReadonlySet<SourceState> = new Set<SourceState>(['waiting', 'stalled', 'down', 'faulted']);

export function stateLine(s: StationStatus): string {
  return `${s.station}: ${s.state}${s.message ? `: ${s.message}` : ''}`;
}

/** "42 s", "7 min", "3.5 h": how long a station was in trouble, at a glance. */
export function spanText(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/**
 * A fresh tracker (one per run): give it every status, print what it returns. One line when a
 * station enters a state worth telling — once per episode of trouble, so a dead stream retried
 * with backoff (down → connecting → down …) says "down" once, not at every attempt — and one line
 * when it is live again, with how long it was out (an operator who saw "stalled" should see it
 * end). Null otherwise.
 */
export function stateLines(): (s: StationStatus) => string | null {
  const trouble = new Map<string, { first: SourceState; since: number; told: SourceState }>();
  return (s) => {
    const t = trouble.get(s.station);
    if (TOLD.has(s.state)) {
      if (t && t.told === s.state) return null;
      if (t) t.told = s.state;
      else trouble.set(s.station, { first: s.state, since: s.at, told: s.state });
      return stateLine(s);
    }
    if (s.state === 'live' && t) {
      trouble.delete(s.station);
      return `${s.station}: live again after ${spanText(s.at - t.since)} out (${t.first})`;
    }
    if (s.state === 'ended') trouble.delete(s.station);
    return null;
  };
}
