import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestInfluxd, type TestInfluxd } from '../../helpers/influxd.ts';
import { InfluxStore, createInfluxStore } from '../../../server/store/influx.ts';
import { T0, det, status } from './fixtures.ts';

let db: TestInfluxd;
beforeAll(async () => { db = await startTestInfluxd(); });
afterAll(async () => { await db?.dispose(); });

function store(name: string): InfluxStore {
  return createInfluxStore(`${db.url}/${name}`, { batch: { maxItems: 100, maxDelayMs: 20 } });
}

describe('InfluxStore against a real influxd', () => {
  it('creates the database, retention policy and hourly continuous query on first use', async () => {
    const s = store('schema_t');
    await s.writeDetections([det(1)]);
    const q = async (sql: string): Promise<string> => {
      const r = await fetch(`${db.url}/query?q=${encodeURIComponent(sql)}`);
      return r.text();
    };
    expect(await q('SHOW DATABASES')).toContain('schema_t');
    const rps = await q('SHOW RETENTION POLICIES ON schema_t');
    // INF by default: replayed archives keep their original (old) timestamps.
    expect(rps).toContain('"hydromon","0s"');
    expect(await q('SHOW CONTINUOUS QUERIES')).toContain('detection_hourly');
    await s.close();
  });

  it('writes and reads back detections with every field, newest first, filtered and paged', async () => {
    const s = store('rw_t');
    const ds = Array.from({ length: 30 }, (_, i) => det(i, i === 3 ? { origin: { file: '/rec/a b,c.wav', offsetS: 12.5 }, freqLowHz: 500, freqHighHz: 9000, clip: 'x/y.wav' } : {}));
    await s.writeDetections(ds);
    const all = await s.queryDetections({ from: T0, to: T0 + 3_600_000 });
    expect(all.length).toBe(30);
    expect(all[0].id).toBe('det-29');
    expect(all[29].id).toBe('det-0');
    const d3 = all.find((d) => d.id === 'det-3');
    expect(d3).toEqual({ ...ds[3], start: Math.floor(ds[3].start), end: Math.floor(ds[3].start) + 1500 });
    const orca = await s.queryDetections({ from: T0, to: T0 + 3_600_000, species: 'orca', station: 'orcasound_lab' });
    expect(orca.map((d) => d.id).sort()).toEqual(ds.filter((d) => d.species === 'orca' && d.station === 'orcasound_lab').map((d) => d.id).sort());
    const conf = await s.queryDetections({ from: T0, to: T0 + 3_600_000, minConfidence: 0.7 });
    expect(conf.length).toBe(ds.filter((d) => d.confidence >= 0.7).length);
    const page = await s.queryDetections({ from: T0, to: T0 + 3_600_000, limit: 5, offset: 10 });
    expect(page.map((d) => d.id)).toEqual(['det-19', 'det-18', 'det-17', 'det-16', 'det-15']);
    const range = await s.queryDetections({ from: T0 + 5000, to: T0 + 8000 });
    expect(range.map((d) => d.id)).toEqual(['det-7', 'det-6', 'det-5']);
    await s.close();
  });

  it('counts per hour per station and species', async () => {
    const s = store('hourly_t');
    const ds = Array.from({ length: 12 }, (_, i) => det(i, { start: T0 + i * 600_000, end: T0 + i * 600_000 + 1000, species: 'orca', station: 's1' }));
    await s.writeDetections(ds);
    await s.writeDetections([det(100, { start: T0 + 10, end: T0 + 20, species: 'minke', station: 's1' })]);
    const counts = await s.countsPerHour({ from: T0, to: T0 + 2 * 3_600_000 });
    expect(counts).toEqual([
      { hour: T0, station: 's1', species: 'minke', count: 1 },
      { hour: T0, station: 's1', species: 'orca', count: 6 },
      { hour: T0 + 3_600_000, station: 's1', species: 'orca', count: 6 },
    ]);
    await s.close();
  });

  it('is idempotent for the same id and keeps different ids that start in the same ms', async () => {
    const s = store('idem_t');
    const a = det(1, { station: 's', species: 'orca', start: T0 + 500, end: T0 + 900 });
    const b = { ...a, id: 'another-detection' };
    await s.writeDetections([a, a, b]);
    await s.writeDetections([a]);
    await s.writeDetections([{ ...a, clip: 's/clip.wav' }]); // a later clip link updates the same point
    const got = await s.queryDetections({ from: T0, to: T0 + 1000 });
    expect(got.map((d) => d.id).sort()).toEqual(['another-detection', 'det-1']);
    expect(got.find((d) => d.id === 'det-1')?.clip).toBe('s/clip.wav');
    const many = Array.from({ length: 200 }, (_, i) => ({ ...a, id: `same-ms-${i}` }));
    await s.writeDetections(many);
    expect((await s.queryDetections({ from: T0, to: T0 + 1000 })).length).toBe(202);
    await s.close();
  });

  it('writes station health and encounters', async () => {
    const s = store('health_t');
    await s.writeHealth([status('s1', T0), status('s1', T0 + 1000, { state: 'stalled', rmsDb: null })]);
    await s.writeEncounters([{ id: 'e1', station: 's1', species: 'orca', start: T0, end: T0 + 60_000, count: 3, peakConfidence: 0.9 }]);
    await s.writeEncounters([{ id: 'e1', station: 's1', species: 'orca', start: T0, end: T0 + 120_000, count: 7, peakConfidence: 0.95 }]);
    const r = await (await fetch(`${db.url}/query?db=health_t&q=${encodeURIComponent('SELECT * FROM station_health')}`)).json() as { results: { series: { values: unknown[][] }[] }[] };
    expect(r.results[0].series[0].values.length).toBe(2);
    expect(await s.queryHealth({ from: T0, to: T0 + 2000, station: 's1' })).toEqual([
      status('s1', T0), status('s1', T0 + 1000, { state: 'stalled', rmsDb: null }),
    ]);
    const enc = await s.queryEncounters({ from: T0, to: T0 + 1000 });
    expect(enc).toEqual([{ id: 'e1', station: 's1', species: 'orca', start: T0, end: T0 + 120_000, count: 7, peakConfidence: 0.95 }]);
    await s.close();
  });

  it("reads back a 'waiting' health row (an archive folder with no files yet) with its message", async () => {
    const s = store('health_wait');
    const rows = [
      status('arch', T0, { state: 'waiting', rmsDb: null, samples: 0, message: 'no audio files in /rec yet' }),
      status('arch', T0 + 1000, { state: 'live' }),
    ];
    await s.writeHealth(rows);
    // A state nobody knows is still dropped, not trusted.
    const bad = `station_health,station=arch status="sleeping",rms_db=-40,lag_s=0,gap_s=0,samples=1i ${BigInt(T0 + 2000) * 1_000_000n}`;
    const w = await fetch(`${db.url}/write?db=health_wait&rp=${encodeURIComponent('hydromon')}`, { method: 'POST', body: bad });
    expect(w.status).toBe(204);
    expect(await s.queryHealth({ from: T0, to: T0 + 5000, station: 'arch' })).toEqual(rows);
    await s.close();
  });

  it('stores behind_s for paced replays and reads it back; rows without it stay without it', async () => {
    const s = store('health_behind');
    const rows = [
      status('paced', T0, { behindS: 0 }),
      status('paced', T0 + 1000, { behindS: 12.75 }),
      status('fast', T0 + 1500),
      status('paced', T0 + 2000, { state: 'stalled', rmsDb: null, behindS: 30, message: 'cannot keep up' }),
    ];
    await s.writeHealth(rows);
    const r = await (await fetch(`${db.url}/query?db=health_behind&q=${encodeURIComponent('SHOW FIELD KEYS FROM station_health')}`)).json() as { results: { series: { values: [string, string][] }[] }[] };
    expect(r.results[0].series[0].values).toContainEqual(['behind_s', 'float']);
    const back = await s.queryHealth({ from: T0, to: T0 + 5000 });
    // toStrictEqual: 'fast' comes back with no behindS key at all (InfluxDB answers null there).
    expect(back).toStrictEqual(rows);
    expect(back.map((x) => 'behindS' in x)).toEqual([true, true, false, true]);
    await s.close();
  });

  it('reads health from a database that never had behind_s without inventing one', async () => {
    const s = store('health_nobehind');
    const rows = [status('s1', T0), status('s1', T0 + 1000, { state: 'waiting', rmsDb: null, samples: 0, message: 'waiting for files in /rec' })];
    await s.writeHealth(rows);
    expect(await s.queryHealth({ from: T0, to: T0 + 2000 })).toStrictEqual(rows);
    await s.close();
  });

  it('fails a write clearly when the server is unreachable', async () => {
    const s = createInfluxStore('http://127.0.0.1:1/nothing', { writeTimeoutMs: 500 });
    await expect(s.writeLines(['x v=1 1'])).rejects.toThrow(/127\.0\.0\.1:1/);
  });

  it('rejects bad URLs and credentials in the URL', () => {
    expect(() => createInfluxStore('ftp://x/db')).toThrow(/protocol/);
    expect(() => createInfluxStore('http://u:p@127.0.0.1:8086/db')).toThrow(/HYDROMON_INFLUX_USER/);
    expect(createInfluxStore('http://127.0.0.1:9/mydb').database).toBe('mydb');
  });
});
