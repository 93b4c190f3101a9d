// The console's station-state lines: one per entry into a state worth telling, none on repeats.
import { describe, expect, it } from 'vitest';
import { stateLine, stateLines } from '../../../server/cli/state-lines.ts';
import type { StationStatus } from '../../../streams/types.ts';

const T0 = Date.UTC(2026, 0, 1);
function st(station: string, state: StationStatus['state'], at: number, message?: string): StationStatus {
  return { station, state, rmsDb: null, lagS: 0, gapS: 0, samples: 0, at, ...(message !== undefined ? { message } : {}) };
}

describe('stateLines', () => {
  it('prints waiting once with its message while the periodic status repeats it', () => {
    const line = stateLines();
    const msg = 'waiting for audio files in /rec/buoy (looking every 5 s)';
    const got = [
      st('a', 'connecting', T0),
      st('a', 'waiting', T0 + 1, msg),
      st('a', 'waiting', T0 + 5000, msg),
      st('a', 'waiting', T0 + 10_000, msg),
    ].map(line);
    expect(got).toEqual([null, `a: waiting: ${msg}`, null, null]);
  });

  it('prints again on a new entry, per station, never for connecting or ended, and live only after trouble', () => {
    const line = stateLines();
    const got = [
      st('a', 'waiting', T0, 'm1'),
      st('b', 'waiting', T0, 'm2'),
      st('a', 'live', T0 + 1),
      st('a', 'live', T0 + 2),
      st('a', 'stalled', T0 + 3, 'no audio for 30 s'),
      st('a', 'stalled', T0 + 4, 'no audio for 30 s'),
      st('a', 'waiting', T0 + 5, 'm1'),
      st('b', 'waiting', T0 + 5, 'm2'),
      st('b', 'ended', T0 + 6),
    ].map(line);
    expect(got).toEqual(['a: waiting: m1', 'b: waiting: m2', 'a: live again after 0 s out (waiting)', null, 'a: stalled: no audio for 30 s', null, 'a: waiting: m1', null, null]);
  });

  it('says when a station it reported in trouble is live again, and for how long it was out', () => {
    const line = stateLines();
    const got = [
      st('a', 'live', T0),
      st('a', 'stalled', T0 + 1000, 'no audio for 15 s'),
      st('a', 'down', T0 + 2000, 'stalled'),
      st('a', 'connecting', T0 + 3000),
      st('a', 'live', T0 + 45_000),
      st('a', 'live', T0 + 50_000),
      st('b', 'connecting', T0),
      st('b', 'live', T0 + 1),
      st('c', 'down', T0, 'refused'),
      st('c', 'live', T0 + 3 * 3600_000),
    ].map(line);
    expect(got).toEqual([null, 'a: stalled: no audio for 15 s', 'a: down: stalled', null, 'a: live again after 44 s out (stalled)', null, null, null, 'c: down: refused', 'c: live again after 3.0 h out (down)']);
  });

  it('a station retried with backoff says down once per outage, not at every attempt', () => {
    const line = stateLines();
    const got = [
      st('a', 'down', T0, 'fetch failed'),
      st('a', 'connecting', T0 + 1000),
      st('a', 'down', T0 + 2000, 'fetch failed'),
      st('a', 'connecting', T0 + 5000),
      st('a', 'down', T0 + 6000, 'fetch failed'),
      st('a', 'faulted', T0 + 7000, 'gave up'),
      st('a', 'connecting', T0 + 8000),
      st('a', 'live', T0 + 600_000),
      st('a', 'connecting', T0 + 600_001),
      st('a', 'down', T0 + 600_002, 'reset'),
    ].map(line);
    expect(got).toEqual(['a: down: fetch failed', null, null, null, null, 'a: faulted: gave up', null, 'a: live again after 10 min out (down)', null, 'a: down: reset']);
  });

  it('formats a state without a message', () => {
    expect(stateLine(st('x', 'down', T0))).toBe('x: down');
  });
});
