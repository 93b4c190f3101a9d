import { describe, expect, it } from 'vitest';
import { StationWatch } from '../../../server/alerts/station-watch.ts';
import { T0, st } from './fixtures.ts';

describe('StationWatch', () => {
  it('alerts once when a station stays stalled past the limit, and once when it recovers', () => {
    const w = new StationWatch({ downAfterS: 300 });
    expect(w.update(st(0, 'live'))).toEqual([]);
    expect(w.update(st(10, 'stalled'))).toEqual([]);
    expect(w.update(st(300, 'stalled'))).toEqual([]);
    const down = w.update(st(310, 'down'));
    expect(down.map((a) => [a.kind, a.state, a.forS])).toEqual([['station-down', 'down', 300]]);
    expect(w.update(st(400, 'down'))).toEqual([]);
    expect(w.tick(T0 + 900_000)).toEqual([]);
    const up = w.update(st(500, 'live'));
    expect(up.map((a) => [a.kind, a.forS])).toEqual([['station-recovered', 490]]);
    expect(up[0].id).toBe(`${down[0].id}:recovered`);
  });

  it('a short hiccup raises nothing', () => {
    const w = new StationWatch({ downAfterS: 300 });
    w.update(st(0, 'stalled'));
    expect(w.update(st(100, 'live'))).toEqual([]);
    expect(w.update(st(350, 'live'))).toEqual([]);
  });

  it('notices a station that stopped reporting, from tick()', () => {
    const w = new StationWatch({ downAfterS: 60 });
    w.update(st(0, 'live'));
    expect(w.tick(T0 + 59_000)).toEqual([]);
    const a = w.tick(T0 + 120_000);
    expect(a.map((x) => [x.kind, x.state])).toEqual([['station-down', 'no-status']]);
    expect(w.tick(T0 + 200_000)).toEqual([]);
  });

  it('treats a live but silent input as an outage when a level floor is set', () => {
    const w = new StationWatch({ downAfterS: 60, silentBelowDb: -90 });
    w.update(st(0, 'live', { rmsDb: -120 }));
    expect(w.update(st(61, 'live', { rmsDb: null })).map((x) => x.state)).toEqual(['silent']);
    expect(w.update(st(70, 'live', { rmsDb: -50 })).map((x) => x.kind)).toEqual(['station-recovered']);
  });

  it('does not alert for a replay that ended', () => {
    const w = new StationWatch({ downAfterS: 60 });
    w.update(st(0, 'ended'));
    expect(w.update(st(1000, 'ended'))).toEqual([]);
    expect(w.tick(T0 + 10_000_000)).toEqual([]); // and stops reporting: not an outage either
  });
});
