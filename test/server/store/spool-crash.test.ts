// The monitor process dies (SIGKILL, no close) while InfluxDB is away: the next process must find
// the spool, take over its stale lock, skip a torn last line, and deliver every acknowledged
// detection exactly once.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestInfluxd, type TestInfluxd } from '../../helpers/influxd.ts';
import { freePort } from '../../../scripts/influxd.ts';
import { createInfluxStore } from '../../../server/store/influx.ts';
import { spooled } from '../../../server/store/spool.ts';
import { T0 } from './fixtures.ts';

let db: TestInfluxd;
const dir = mkdtempSync(join(tmpdir(), 'hydromon-spool-crash-'));
beforeAll(async () => { db = await startTestInfluxd(); });
afterAll(async () => {
  await db?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('spool after a crashed writer process', () => {
  it('delivers every acknowledged detection exactly once', async () => {
    const deadUrl = `http://127.0.0.1:${await freePort()}/crash_t`; // nothing listens there
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./spool-child.ts', import.meta.url)), dir, deadUrl], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let acked = 0;
    await new Promise<void>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (s: string) => {
        for (const m of s.matchAll(/acked (\d+)/g)) acked = Math.max(acked, Number(m[1]));
        if (acked >= 300) {
          child.removeAllListeners('exit');
          child.kill('SIGKILL'); // mid-stream: possibly mid-write
          child.on('exit', () => resolve());
        }
      });
    });
    const store = spooled(createInfluxStore(`${db.url}/crash_t`), { dir, retryMs: 50 });
    expect(store.stats().pending).toBeGreaterThanOrEqual(acked);
    expect(await store.drain(20_000)).toBe(true);
    await store.close();
    const check = createInfluxStore(`${db.url}/crash_t`);
    const got = await check.queryDetections({ from: T0 - 1000, to: T0 + 86_400_000 });
    await check.close();
    const ids = new Set(got.map((d) => d.id));
    expect(ids.size).toBe(got.length); // no duplicates
    for (let i = 0; i < acked; i++) expect(ids.has(`det-${i}`)).toBe(true); // nothing acknowledged is lost
  });
});
