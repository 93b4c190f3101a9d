// Which station states the console tells an operator about (`listen`, `replay`, `run`), and when:
// one line as a station enters such a state, none while the periodic status repeats it. The
// pipeline re-sends the current status every few seconds; printing each would bury the log.
import type { SourceState, StationStatus } from '../../streams/types.ts';

/** Worth a line: something is wrong (stalled, down, faulted) or nothing to play yet (waiting). */
const TOLD: ReadonlySet<SourceState> = new Set<SourceState>(['waiting', 'stalled', 'down', 'faulted']);

export function stateLine(s: StationStatus): string {
  return `${s.station}: ${s.state}${s.message ? `: ${s.message}` : ''}`;
}

/**
 * A fresh tracker (one per run): give it every status, print what it returns. Returns the line
 * for a status whose state differs from that station's previous one and is worth telling, else null.
 */
export function stateLines(): (s: StationStatus) => string | null {
  const last = new Map<string, SourceState>();
  return (s) => {
    const prev = last.get(s.station);
    last.set(s.station, s.state);
    return prev !== s.state && TOLD.has(s.state) ? stateLine(s) : null;
  };
}
