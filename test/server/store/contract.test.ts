// The same writes and queries against InfluxDB and the embedded store must give the same answers:
// the dashboard and the exporter cannot tell which one they talk to.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestInfluxd, type TestInfluxd } from '../../helpers/influxd.ts';
import { createEmbeddedStore } from '../../../server/store/embedded.ts';
import { createInfluxStore } from '../../../server/store/influx.ts';
import type { DetectionQuery, DetectionStore } from '../../../server/store/types.ts';
import { T0, det } from './fixtures.ts';

let db: TestInfluxd;
let dir: string;
beforeAll(async () => {
  db = await startTestInfluxd();
  dir = mkdtempSync(join(tmpdir(), 'hydromon-contract-'));
});
afterAll(async () => {
  await db?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('InfluxDB and embedded stores agree', () => {
  it('answers every query the same way', async () => {
    const stores: DetectionStore[] = [createInfluxStore(`${db.url}/contract`), createEmbeddedStore({ dir })];
    // Whole-ms starts (InfluxDB keeps ms), three stations, a few hours, some same-ms pairs.
    const ds = Array.from({ length: 300 }, (_, i) => det(i, {
      station: `st${i % 3}`,
      start: T0 + Math.floor(i / 2) * 97_000,
      end: T0 + Math.floor(i / 2) * 97_000 + 2000,
    }));
    for (const s of stores) await s.writeDetections(ds);
    const queries: DetectionQuery[] = [
      { from: T0, to: T0 + 10 * 3_600_000 },
      { from: T0 + 1_000_000, to: T0 + 9_000_000, station: 'st1' },
      { from: T0, to: T0 + 10 * 3_600_000, species: 'minke', minConfidence: 0.8 },
      { from: T0, to: T0 + 10 * 3_600_000, limit: 7, offset: 20 },
      { from: 0, to: Infinity, station: 'st2', limit: 50 }, // open range: the dashboard's "everything"
    ];
    for (const q of queries) {
      const [a, b] = await Promise.all(stores.map((s) => s.queryDetections(q)));
      expect(a.length).toBeGreaterThan(0);
      // Same set in the same newest-first order (same-ms ties may order differently).
      expect(a.map((d) => d.start)).toEqual(b.map((d) => d.start));
      if (q.limit === undefined) expect(new Set(a.map((d) => d.id))).toEqual(new Set(b.map((d) => d.id)));
    }
    for (const s of stores) expect(await s.queryDetections({ from: 0, to: Infinity, limit: 0 })).toEqual([]);
    const [ca, cb] = await Promise.all(stores.map((s) => s.countsPerHour({ from: T0, to: T0 + 10 * 3_600_000 })));
    expect(ca).toEqual(cb);
    expect(ca.reduce((n, c) => n + c.count, 0)).toBe(300);
    for (const s of stores) await s.close();
  });
});
