import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detection } from '../../../streams/types.ts';
import { det, harness, T0, type Harness } from './harness.ts';

describe('GET /api/detections', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    // 90 detections a minute apart from T0: lab/orca, every third at bay, every fifth a humpback with 0.4.
    const ds: Detection[] = [];
    for (let i = 0; i < 90; i++) {
      ds.push(det(i, {
        station: i % 3 === 0 ? 'bay' : 'lab',
        ...(i % 5 === 0 ? { species: 'Megaptera novaeangliae', confidence: 0.4 } : {}),
      }));
    }
    await h.monitor.store.writeDetections(ds);
  });
  afterAll(() => h.close());

  const get = async (qs: string) => {
    const r = await h.app.inject({ method: 'GET', url: `/api/detections${qs}` });
    return { status: r.statusCode, body: r.json() as { items: Detection[]; message?: string; from: number; to: number } };
  };

  it('filters by ISO range, newest first, paged', async () => {
    const from = new Date(T0).toISOString();
    const to = new Date(T0 + 10 * 60_000).toISOString();
    const p1 = await get(`?from=${from}&to=${to}&limit=4`);
    expect(p1.status).toBe(200);
    expect(p1.body.items.map((d) => d.id)).toEqual(['d9', 'd8', 'd7', 'd6']);
    const p2 = await get(`?from=${from}&to=${to}&limit=4&offset=8`);
    expect(p2.body.items.map((d) => d.id)).toEqual(['d1', 'd0']);
  });

  it('accepts epoch ms and filters by station, species and confidence', async () => {
    const r = await get(`?from=${T0}&to=${T0 + 30 * 60_000}&station=bay&species=Orcinus%20orca&minConfidence=0.5&limit=100`);
    expect(r.status).toBe(200);
    // bay = multiples of 3; humpbacks (multiples of 5) excluded by species: 3,6,9,12,18,21,24,27
    expect(r.body.items.map((d) => d.id).sort()).toEqual(['d12', 'd18', 'd21', 'd24', 'd27', 'd3', 'd6', 'd9']);
    const weak = await get(`?from=${T0}&to=${T0 + 30 * 60_000}&minConfidence=0.5&limit=100`);
    expect(weak.body.items.every((d) => d.confidence >= 0.5)).toBe(true);
    expect(weak.body.items).toHaveLength(30 - 6);
  });

  it('defaults to the last 24 hours', async () => {
    const r = await get('');
    expect(r.status).toBe(200);
    expect(r.body.to - r.body.from).toBe(86_400_000);
    expect(r.body.items).toEqual([]); // fixtures are in June 2026, not today
  });

  it('rejects bad queries with a message naming the parameter', async () => {
    expect((await get('?from=yesterday')).body.message).toMatch(/from: "yesterday"/);
    expect((await get('?from=yesterday')).status).toBe(400);
    expect((await get(`?from=${T0}&to=${T0 - 1}`)).status).toBe(400);
    expect((await get('?limit=5000')).status).toBe(400);
    expect((await get('?minConfidence=2')).status).toBe(400);
    expect((await get('?offset=-1')).status).toBe(400);
  });

  it('counts detections per hour and species', async () => {
    const r = await h.app.inject(`/api/detections/hourly?from=${T0}&to=${T0 + 2 * 3_600_000}`);
    expect(r.statusCode).toBe(200);
    const items = r.json().items as { hour: number; station: string; species: string; count: number }[];
    const total = (hour: number, species: string) => items.filter((x) => x.hour === hour && x.species === species).reduce((a, x) => a + x.count, 0);
    // First hour: minutes 0..59, 12 humpbacks (multiples of 5), 48 orcas.
    expect(total(T0, 'Megaptera novaeangliae')).toBe(12);
    expect(total(T0, 'Orcinus orca')).toBe(48);
    expect(total(T0 + 3_600_000, 'Orcinus orca') + total(T0 + 3_600_000, 'Megaptera novaeangliae')).toBe(30);
    const bay = await h.app.inject(`/api/detections/hourly?from=${T0}&to=${T0 + 3_600_000}&station=bay`);
    expect((bay.json().items as { station: string }[]).every((x) => x.station === 'bay')).toBe(true);
  });

  it('finds one detection by id: live ones directly, stored ones by time', async () => {
    const stored = await h.app.inject(`/api/detections/d42?t=${T0 + 42 * 60_000}`);
    expect(stored.statusCode).toBe(200);
    expect(stored.json().id).toBe('d42');
    expect((await h.app.inject('/api/detections/d42')).statusCode).toBe(404);
    await h.monitor.pushDetection(det(500, { id: 'live-1', start: Date.now() }));
    const live = await h.app.inject('/api/detections/live-1');
    expect(live.json().id).toBe('live-1');
    const recent = await h.app.inject('/api/detections/recent?limit=5');
    expect(recent.json().items.map((d: Detection) => d.id)).toEqual(['live-1']);
  });
});
