// Credentials come from HYDROMON_INFLUX_USER / HYDROMON_INFLUX_PASSWORD, checked against an
// influxd that requires them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestInfluxd, type TestInfluxd } from '../../helpers/influxd.ts';
import { createInfluxStore } from '../../../server/store/influx.ts';
import { parseInfluxUrl } from '../../../server/store/influx-url.ts';
import { T0, det } from './fixtures.ts';

let db: TestInfluxd;
beforeAll(async () => {
  db = await startTestInfluxd({ auth: true });
  // With no users yet, influxd accepts exactly this unauthenticated statement.
  const r = await fetch(`${db.url}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE USER "monitor" WITH PASSWORD 'p4ss w0rd' WITH ALL PRIVILEGES` }) });
  expect(r.status).toBe(200);
});
afterAll(async () => { await db?.dispose(); });

describe('InfluxDB credentials', () => {
  it('parses the URL and takes credentials only from the environment', () => {
    const t = parseInfluxUrl('http://127.0.0.1:8086/hydromon', { HYDROMON_INFLUX_USER: 'u', HYDROMON_INFLUX_PASSWORD: 'p' });
    expect(t).toMatchObject({ base: 'http://127.0.0.1:8086', database: 'hydromon', username: 'u', password: 'p' });
    expect(parseInfluxUrl('http://127.0.0.1/x/y/db', {})).toMatchObject({ base: 'http://127.0.0.1:8086/x/y', path: '/x/y', database: 'db', username: undefined });
    expect(() => parseInfluxUrl('http://127.0.0.1:8086/bad;db', {})).toThrow(/database name/);
  });

  it('writes and reads with the right credentials', async () => {
    const s = createInfluxStore(`${db.url}/authdb`, { env: { HYDROMON_INFLUX_USER: 'monitor', HYDROMON_INFLUX_PASSWORD: 'p4ss w0rd' } });
    await s.writeDetections([det(1), det(2)]);
    expect((await s.queryDetections({ from: T0, to: T0 + 60_000 })).map((d) => d.id)).toEqual(['det-2', 'det-1']);
    await s.close();
  });

  it('fails clearly without them', async () => {
    const s = createInfluxStore(`${db.url}/authdb`, { env: {}, writeTimeoutMs: 2000 });
    const err = await s.writeDetections([det(3)]).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/auth|401|unable to parse authentication credentials/i);
    // A credentials problem is the server's state, not bad points: the spool must keep them for later.
    expect(err?.name).not.toBe('InfluxRejectedError');
  });
});
