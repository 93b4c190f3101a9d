import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestInfluxd, type TestInfluxd } from '../../helpers/influxd.ts';
import { createInfluxStore, type InfluxStore } from '../../../server/store/influx.ts';
import { spooled, type SpoolEvent } from '../../../server/store/spool.ts';
import { completeLines, segmentPath } from '../../../server/store/spool-files.ts';
import { detectionLine } from '../../../server/store/line-protocol.ts';
import { T0, det } from './fixtures.ts';

let db: TestInfluxd;
const tmp: string[] = [];
beforeAll(async () => { db = await startTestInfluxd(); });
afterAll(async () => {
  await db?.dispose();
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

function spoolDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hydromon-spool-'));
  tmp.push(d);
  return d;
}

function influx(name: string, retention?: string): InfluxStore {
  return createInfluxStore(`${db.url}/${name}`, { writeTimeoutMs: 1000, batch: { maxItems: 50, maxDelayMs: 10 }, ...(retention ? { retention } : {}) });
}

async function countIn(name: string): Promise<{ total: number; distinct: number }> {
  const s = influx(name);
  const all = await s.queryDetections({ from: T0 - 1000, to: T0 + 86_400_000 });
  await s.close();
  return { total: all.length, distinct: new Set(all.map((d) => d.id)).size };
}

describe('completeLines', () => {
  it('drops a torn last line and reports byte ends', () => {
    const buf = Buffer.from('a 1\nbb 2\ntorn');
    expect(completeLines(buf, 0)).toEqual({ lines: ['a 1', 'bb 2'], ends: [4, 9] });
    expect(completeLines(buf, 4).lines).toEqual(['bb 2']);
  });
});

describe('spooled store with a real influxd', () => {
  it('loses nothing and duplicates nothing when influxd is SIGKILLed mid-stream and restarted', async () => {
    const dir = spoolDir();
    const events: SpoolEvent[] = [];
    const store = spooled(influx('outage_t'), { dir, retryMs: 50, maxRetryMs: 200, writeTimeoutMs: 1000, batch: { maxItems: 20, maxDelayMs: 5 }, onEvent: (e) => events.push(e) });
    const N = 600;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < N; i++) {
      if (i === 200) await db.stop('SIGKILL');
      if (i === 450) db = await db.restart();
      writes.push(store.writeDetections([det(i)]));
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(writes); // every write resolved: on the server or fsync'd on disk
    const ok = await store.drain(20_000);
    if (!ok) console.log(store.stats(), events, readdirSync(dir));
    expect(ok).toBe(true);
    const st = store.stats();
    expect(st.spooled).toBeGreaterThan(0);
    expect(st.replayed).toBe(st.spooled);
    expect(st.pending).toBe(0);
    expect(events.map((e) => e.type)).toEqual(['spooling', 'drained']);
    await store.close();
    expect(await countIn('outage_t')).toEqual({ total: N, distinct: N });
    expect(readdirSync(dir).filter((f) => f.endsWith('.lp'))).toEqual([]);
  });

  it('accepts new writes while the spool drains and loses none of either', async () => {
    const dir = spoolDir();
    await db.stop('SIGKILL');
    const store = spooled(influx('order_t'), { dir, retryMs: 50, maxRetryMs: 100, batch: { maxItems: 10, maxDelayMs: 5 } });
    await store.writeDetections(Array.from({ length: 30 }, (_, i) => det(i)));
    expect(store.stats().pending).toBe(30);
    db = await db.restart();
    // Written while the drain runs: must still land, and after the spooled ones.
    await store.writeDetections(Array.from({ length: 30 }, (_, i) => det(30 + i)));
    expect(await store.drain(10_000)).toBe(true);
    expect(store.stats().replayed).toBeGreaterThanOrEqual(30);
    await store.close();
    expect(await countIn('order_t')).toEqual({ total: 60, distinct: 60 });
  });

  it('survives a restart of the writer: a new process drains what the old one spooled', async () => {
    const dir = spoolDir();
    await db.stop('SIGKILL');
    const first = spooled(influx('restart_t'), { dir, retryMs: 50, writeTimeoutMs: 500 });
    await first.writeDetections(Array.from({ length: 100 }, (_, i) => det(i)));
    await first.close(); // not drained: the server is still down
    expect(readdirSync(dir).some((f) => f.endsWith('.lp'))).toBe(true);
    // A crash mid-append leaves a torn line; it must not make the spool unreadable.
    writeFileSync(segmentPath(dir, 99), `${detectionLine(det(100))}\n${detectionLine(det(101)).slice(0, 30)}`);
    db = await db.restart();
    const second = spooled(influx('restart_t'), { dir, retryMs: 50 });
    expect(second.stats().pending).toBe(101);
    expect(await second.drain(10_000)).toBe(true);
    await second.close();
    expect(await countIn('restart_t')).toEqual({ total: 101, distinct: 101 });
  });

  it('re-sending an already written segment (lost ack) does not duplicate', async () => {
    const dir = spoolDir();
    const lines = Array.from({ length: 40 }, (_, i) => detectionLine(det(i)));
    const s0 = influx('resend_t');
    await s0.writeLines(lines);
    await s0.close();
    writeFileSync(segmentPath(dir, 1), `${lines.join('\n')}\n`);
    const store = spooled(influx('resend_t'), { dir });
    expect(await store.drain(10_000)).toBe(true);
    await store.close();
    expect(await countIn('resend_t')).toEqual({ total: 40, distinct: 40 });
  });

  it('sets refused points aside instead of retrying them forever, and only those', async () => {
    const dir = spoolDir();
    const events: SpoolEvent[] = [];
    const inner = influx('reject_t', '365d');
    const store = spooled(inner, { dir, onEvent: (e) => events.push(e) });
    // A point older than the retention policy (365 d) is refused (400 partial write); the rest land.
    const ancient = det(1, { start: Date.UTC(1990, 0, 1), end: Date.UTC(1990, 0, 1) + 1000 });
    await store.writeDetections([det(2), det(3), ancient, det(4), det(5)]);
    expect(store.stats().rejected).toBe(1); // halved until the refused point was isolated
    expect(events.map((e) => e.type)).toEqual(['rejected']);
    expect(readFileSync(join(dir, 'rejected.lp'), 'utf8').trim()).toBe(detectionLine(ancient));
    const ok = await inner.queryDetections({ from: T0, to: T0 + 60_000 });
    expect(ok.map((d) => d.id).sort()).toEqual(['det-2', 'det-3', 'det-4', 'det-5']);
    await store.close();
  });

  it('refuses a second writer on the same spool folder', () => {
    const dir = spoolDir();
    const a = spooled(influx('lock_t'), { dir });
    expect(() => spooled(influx('lock_t'), { dir })).toThrow(/already open/);
    return a.close();
  });
});

describe('spooled store with a frozen (SIGSTOP) influxd', () => {
  it('spools writes that take too long and delivers them once the server thaws, exactly once', async () => {
    const dir = spoolDir();
    const events: SpoolEvent[] = [];
    const store = spooled(influx('frozen_t'), { dir, retryMs: 50, maxRetryMs: 200, writeTimeoutMs: 300, batch: { maxItems: 10, maxDelayMs: 5 }, onEvent: (e) => events.push(e) });
    await store.writeDetections(Array.from({ length: 20 }, (_, i) => det(i)));
    // On a slow machine that first write (schema set-up included) can itself pass 300 ms and be
    // spooled; with nothing left on disk, the write below must take the direct path and time out.
    expect(await store.drain(15_000)).toBe(true);
    const before = store.stats().spooled;
    const seen = events.length;
    await db.freeze(); // every influxd thread stopped, not merely signalled
    try {
      await store.writeDetections(Array.from({ length: 50 }, (_, i) => det(20 + i)));
      // Resolved while the server is still stopped, so not answered by it: the whole batch went to
      // disk, and because the write timed out (not because the connection failed).
      expect(db.frozen()).toBe(true);
      expect(store.stats().spooled - before).toBe(50);
      expect(events.slice(seen)).toEqual([{ type: 'spooling', error: 'InfluxDB write took longer than 300 ms' }]);
    } finally {
      db.thaw();
    }
    expect(await store.drain(15_000)).toBe(true);
    await store.close();
    expect(await countIn('frozen_t')).toEqual({ total: 70, distinct: 70 });
  });
});

describe('spool lock', () => {
  it('takes over a lock whose pid now belongs to another process (pid reused after a reboot)', () => {
    const dir = spoolDir();
    // pid 1 is alive, but it started long before "our" old writer claimed to: a stale lock.
    writeFileSync(join(dir, 'LOCK'), '1 999999999999');
    const s = spooled(influx('lock2_t'), { dir });
    expect(readFileSync(join(dir, 'LOCK'), 'utf8').startsWith(String(process.pid))).toBe(true);
    return s.close();
  });

  it('refuses while the writer named in the lock really runs', () => {
    const dir = spoolDir();
    writeFileSync(join(dir, 'LOCK'), '1'); // pid 1, no start time recorded: trust that it is alive
    expect(() => spooled(influx('lock3_t'), { dir })).toThrow(/in use by process 1/);
  });
});
