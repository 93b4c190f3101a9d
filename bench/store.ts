// Where detections go, how fast: detections written per second to a real influxd (batched line
// protocol), through the spool wrapper while the server is up, into the spool while it is down,
// the spool's replay rate once it is back, the embedded store's write rate, and query latency of
// both stores (newest 100 of a day). Run: node --import tsx bench/store.ts (or npm run bench -- store).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedStore } from '../server/store/embedded.ts';
import { createInfluxStore } from '../server/store/influx.ts';
import { spooled } from '../server/store/spool.ts';
import type { DetectionStore } from '../server/store/types.ts';
import type { Detection } from '../streams/types.ts';
import { startInfluxd } from '../scripts/influxd.ts';

export const units: Record<string, string> = {
  influx_write_per_s: 'detections/s',
  spooled_live_write_per_s: 'detections/s',
  spool_append_per_s: 'detections/s',
  spool_replay_per_s: 'detections/s',
  embedded_write_per_s: 'detections/s',
  influx_query_ms: 'ms (newest 100 of a day)',
  embedded_query_ms: 'ms (newest 100 of a day)',
};
export const runs = 3;

const N = Number(process.env.BENCH_STORE_N) || 50_000;
const T0 = Date.UTC(2026, 10, 24);

function detections(prefix: string, n: number): Detection[] {
  const sp = ['orca', 'humpback', 'minke', 'gray', 'fin'];
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    station: `station_${i % 4}`,
    species: sp[i % sp.length],
    confidence: 0.5 + (i % 50) / 100,
    start: T0 + i * 1500,
    end: T0 + i * 1500 + 1200,
    model: 'bench',
    freqLowHz: 500,
    freqHighHz: 9000,
    origin: { file: `/archive/${prefix}.wav`, offsetS: i * 1.5 },
  }));
}

/** The pipeline calls writeDetections per detection, many in flight; the store batches. */
async function writeRate(store: DetectionStore, ds: Detection[]): Promise<number> {
  const t = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < ds.length; i += 10) inFlight.push(store.writeDetections(ds.slice(i, i + 10)));
  await Promise.all(inFlight);
  return ds.length / ((performance.now() - t) / 1000);
}

async function queryMs(store: DetectionStore): Promise<number> {
  await store.queryDetections({ from: T0, to: T0 + 86_400_000, limit: 100 }); // warm
  const t = performance.now();
  for (let i = 0; i < 10; i++) await store.queryDetections({ from: T0, to: T0 + 86_400_000, limit: 100 });
  return (performance.now() - t) / 10;
}

export async function run(): Promise<Record<string, number>> {
  const root = mkdtempSync(join(tmpdir(), 'hydromon-bench-store-'));
  let db = await startInfluxd({ dir: join(root, 'influxd') });
  const tag = Math.random().toString(36).slice(2, 8);
  try {
    const influx = createInfluxStore(`${db.url}/bench_${tag}`);
    const influxWrite = await writeRate(influx, detections('a', N));
    const influxQuery = await queryMs(influx);
    await influx.close();

    const live = spooled(createInfluxStore(`${db.url}/bench_${tag}`), { dir: join(root, 'spool') });
    const spooledLive = await writeRate(live, detections('b', N));
    await live.close();

    await db.stop('SIGKILL');
    const down = spooled(createInfluxStore(`${db.url}/bench_${tag}`, { writeTimeoutMs: 1000 }), { dir: join(root, 'spool'), retryMs: 60_000 });
    const spoolAppend = await writeRate(down, detections('c', N));
    await down.close();
    db = await startInfluxd({ dir: db.dir, port: db.port, rpcPort: db.rpcPort });
    const t = performance.now();
    const back = spooled(createInfluxStore(`${db.url}/bench_${tag}`), { dir: join(root, 'spool') });
    const pending = back.stats().pending;
    if (!(await back.drain(300_000))) throw new Error('spool did not drain');
    const replay = pending / ((performance.now() - t) / 1000);
    await back.close();

    const emb = createEmbeddedStore({ dir: join(root, 'embedded') });
    const embeddedWrite = await writeRate(emb, detections('d', N));
    const embeddedQuery = await queryMs(emb);
    await emb.close();

    return {
      influx_write_per_s: influxWrite,
      spooled_live_write_per_s: spooledLive,
      spool_append_per_s: spoolAppend,
      spool_replay_per_s: replay,
      embedded_write_per_s: embeddedWrite,
      influx_query_ms: influxQuery,
      embedded_query_ms: embeddedQuery,
    };
  } finally {
    await db.stop('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  for (const [k, v] of Object.entries(r)) process.stdout.write(`${k.padEnd(28)} ${v.toFixed(1).padStart(12)}  ${units[k] ?? ''}\n`);
}
