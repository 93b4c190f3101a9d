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
 * A fresh tracker (one per run): give it every status, print what it returns. Returns the line
 * for a status whose state differs from that station's previous one and is worth telling, and
 * one line when a station that was told about is live again — through however many states it
 * went meanwhile (stalled → down → connecting → live): an operator who saw "stalled" should see
 * it end, and for how long it was out — else null.
 */
export function stateLines(): (s: StationStatus) => string | null {
  const last = new Map<string, { state: SourceState; trouble: { first: SourceState; since: number } | null }>();
  return (s) => {
    const prev = last.get(s.station) ?? { state: s.state, trouble: null };
    const changed = !last.has(s.station) || prev.state !== s.state;
    let trouble = prev.trouble;
    let line: string | null = null;
    if (TOLD.has(s.state)) {
      trouble ??= { first: s.state, since: s.at };
      if (changed) line = stateLine(s);
    } else if (s.state === 'live' && trouble) {
      line = `${s.station}: live again after ${spanText(s.at - trouble.since)} out (${trouble.first})`;
      trouble = null;
    } else if (s.state === 'ended') trouble = null;
    last.set(s.station, { state: s.state, trouble });
    return line;
  };
}
