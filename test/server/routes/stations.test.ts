import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationInfo } from '../../../server/monitor-types.ts';
import { harness, type Harness } from './harness.ts';

describe('stations, health, alerts and encounters routes', () => {
  let h: Harness;
  beforeAll(async () => { h = await harness([{ id: 'lab', name: 'Lab', source: 'tcp://0.0.0.0:9000', kind: 'tcp' }, { id: 'bay' }]); });
  afterAll(() => h.close());

  it('lists stations with their latest status', async () => {
    const before = (await h.app.inject('/api/stations')).json() as StationInfo[];
    expect(before.map((s) => [s.id, s.name, s.kind, s.status.state])).toEqual([['lab', 'Lab', 'tcp', 'connecting'], ['bay', 'bay', 'archive', 'connecting']]);
    h.monitor.pushStatus({ station: 'bay', state: 'down', rmsDb: null, lagS: 0, gapS: 4, samples: 0, at: Date.now() + 5, message: 'connection refused' });
    const one = (await h.app.inject('/api/stations/bay')).json() as StationInfo;
    expect(one.status.state).toBe('down');
    expect(one.status.message).toBe('connection refused');
    expect((await h.app.inject('/api/stations/nope')).statusCode).toBe(404);
  });

  it('reports health: not ok once a station has faulted', async () => {
    const ok = (await h.app.inject('/api/health')).json();
    expect(ok.ok).toBe(true);
    expect(ok.stations.find((s: { id: string }) => s.id === 'bay').state).toBe('down');
    h.monitor.pushStatus({ station: 'lab', state: 'faulted', rmsDb: null, lagS: 0, gapS: 0, samples: 0, at: Date.now() + 10 });
    expect((await h.app.inject('/api/health')).json().ok).toBe(false);
  });

  it('returns alert rules and the alerts raised since start, newest first', async () => {
    h.monitor.rules = [{ species: 'Orcinus orca', minCount: 3 }];
    expect((await h.app.inject('/api/alerts/rules')).json().items).toEqual([{ species: 'Orcinus orca', minCount: 3 }]);
    h.monitor.pushAlert({ id: 'a1', kind: 'station', station: 'bay', message: 'bay down', at: 1 });
    h.monitor.pushAlert({ id: 'a2', kind: 'encounter', station: 'lab', species: 'Orcinus orca', message: 'orcas', at: 2 });
    expect((await h.app.inject('/api/alerts')).json().items.map((a: { id: string }) => a.id)).toEqual(['a2', 'a1']);
    expect((await h.app.inject('/api/alerts?limit=1')).json().items).toHaveLength(1);
  });

  it('lists encounters from the store with filters', async () => {
    const now = Date.now();
    await h.monitor.pushEncounter({ id: 'e1', station: 'lab', species: 'Orcinus orca', start: now - 60_000, end: now - 30_000, count: 4, peakConfidence: 0.97 });
    await h.monitor.pushEncounter({ id: 'e2', station: 'bay', species: 'Megaptera novaeangliae', start: now - 20_000, end: now - 10_000, count: 2, peakConfidence: 0.8 });
    const all = (await h.app.inject('/api/encounters')).json();
    expect(all.items.map((e: { id: string }) => e.id)).toEqual(['e2', 'e1']);
    const lab = (await h.app.inject('/api/encounters?station=lab')).json();
    expect(lab.items.map((e: { id: string }) => e.id)).toEqual(['e1']);
    expect((await h.app.inject('/api/encounters?from=not-a-date')).statusCode).toBe(400);
    // Live ones regardless of their time (a replay of June recordings in November).
    await h.monitor.pushEncounter({ id: 'old', station: 'lab', species: 'Orcinus orca', start: 1000, end: 2000, count: 1, peakConfidence: 0.5 });
    expect((await h.app.inject('/api/encounters')).json().items.map((e: { id: string }) => e.id)).not.toContain('old');
    expect((await h.app.inject('/api/encounters/recent')).json().items.map((e: { id: string }) => e.id)).toEqual(['old', 'e2', 'e1']);
  });
});
