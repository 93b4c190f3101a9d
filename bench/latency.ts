// End-to-end detection latency as a dashboard sees it: N stations replay a generated 48 kHz
// recording with tone bursts at real-time pace (speed 1, loop) through the real monitor
// (startMonitor, embedded store, clips off) and the real server (startServer, /ws); one WebSocket
// client on 127.0.0.1 receives the detections. Latency of a detection = wall time it arrived in
// the client − wall time the chunk holding the window's last sample entered the pipeline (a tap
// on the source, before resampling). So it covers analysis, classification, dedupe, the store's
// durable write (the live feed sends a detection only once it is stored) and the socket.
// Clips are off: with clips a detection waits for its post-roll (1 s by default) by design.
// The figure is split in two: *_pipeline = chunk entered → detection handed to the store (the
// analysis path), the rest is the store's batched durable write plus the socket.
// The replay reads 0.5 s chunks (what `hydromon run` does for archives); the STFT's centred frames
// need nFft/2 samples past a window's end, so a window completes only with the NEXT chunk: the
// chunk length is a floor under the latency. The *_c0.1 figures at the largest N use 0.1 s
// chunks (a TCP pusher's frame length) to show that.
//
//   node --import tsx bench/latency.ts            # prints JSON
//   LAT_BENCH_N=1,10,50 LAT_BENCH_S=20 LAT_BENCH_SR=48000 LAT_BENCH_SMALL_CHUNK=1 node --import tsx bench/latency.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tap } from 'rxjs';
import WebSocket from 'ws';
import { defaultFeatureConfig as cfg } from '../models/feature-config.ts';
import { startServer } from '../server/app.ts';
import { startMonitor } from '../server/monitor.ts';
import { openStationSource } from '../server/station-source.ts';
import { createEmbeddedStore } from '../server/store/embedded.ts';
import type { DetectionStore } from '../server/store/types.ts';
import { archiveSource } from '../streams/sources/archive.ts';
import type { Detection } from '../streams/types.ts';
import { DEFAULT_SHAPE, burstClassifier, stationsConfig, writeBurstWav } from '../test/faults/burst-harness.ts';

const COUNTS = (process.env.LAT_BENCH_N ?? '1,10,50').split(',').map(Number);
/** Seconds of measuring per station count (after a 3 s warm-up). */
const SECONDS = Number(process.env.LAT_BENCH_S ?? 20);
const SR = Number(process.env.LAT_BENCH_SR ?? 48_000);
const WARMUP_S = 3;
/** Also measure the largest N with 0.1 s chunks (0 to skip). */
const SMALL_CHUNK = process.env.LAT_BENCH_SMALL_CHUNK !== '0';
const NMAX = Math.max(...COUNTS);

export const runs = 1;
export const units: Record<string, string> = {};
for (const n of COUNTS) {
  units[`p50_ms_n${n}`] = 'ms';
  units[`p99_ms_n${n}`] = 'ms';
  units[`max_ms_n${n}`] = 'ms';
  units[`pipeline_p99_ms_n${n}`] = 'ms (chunk in → detection to store)';
  units[`detections_n${n}`] = 'detections measured';
}
if (SMALL_CHUNK) {
  units[`p50_ms_n${NMAX}_c0.1`] = 'ms (0.1 s chunks)';
  units[`p99_ms_n${NMAX}_c0.1`] = 'ms (0.1 s chunks)';
  units[`pipeline_p99_ms_n${NMAX}_c0.1`] = 'ms (0.1 s chunks)';
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Wall time at which each station's audio reached a given audio time (chunk ends, in order). */
class ArrivalLog {
  private readonly ends: number[] = [];
  private readonly walls: number[] = [];
  add(audioEnd: number, wall: number): void {
    this.ends.push(audioEnd);
    this.walls.push(wall);
  }
  /** Wall time of the first chunk whose end reaches `audioT` (binary search). */
  wallAt(audioT: number): number | undefined {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] < audioT - 0.5) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.ends.length ? this.walls[lo] : undefined;
  }
}

/** The store, noting when each detection was handed to it. */
function timedStore(store: DetectionStore, handed: Map<string, number>): DetectionStore {
  return {
    writeDetections: (ds) => {
      const now = Date.now();
      for (const d of ds) handed.set(d.id, now);
      return store.writeDetections(ds);
    },
    writeHealth: (s) => store.writeHealth(s),
    writeEncounters: (e) => store.writeEncounters?.(e) ?? Promise.resolve(),
    queryDetections: (q) => store.queryDetections(q),
    countsPerHour: (q) => store.countsPerHour(q),
    close: () => store.close(),
  };
}

interface Measured {
  readonly lat: number[];
  readonly pipe: number[];
  readonly missing: number;
}

async function one(n: number, wav: string, dir: string, chunkS: number): Promise<Measured> {
  const handed = new Map<string, number>();
  const store = timedStore(createEmbeddedStore({ dir: join(dir, `data-${n}-${chunkS}`) }), handed);
  const model = await burstClassifier({ ...DEFAULT_SHAPE, sampleRate: SR });
  const logs = new Map<string, ArrivalLog>();
  const config = stationsConfig({ n, source: wav, speed: 1, loop: true });
  const monitor = startMonitor({
    config,
    store,
    model,
    featureConfig: cfg,
    openSource: (st, ctx) => {
      const log = new ArrivalLog();
      logs.set(st.id, log);
      const src = chunkS === 0.5
        ? openStationSource(st, ctx)
        : archiveSource({ station: st.id, path: st.source, speed: st.speed, loop: st.loop, chunkS, report: ctx.report });
      return src.pipe(tap((c) => log.add(c.t0 + (c.samples.length * 1000) / c.sampleRate, Date.now())));
    },
    log: (m) => process.stderr.write(`${m}\n`),
  });
  const { app, url } = await startServer(monitor, { port: 0 });
  const lat: number[] = [];
  const pipe: number[] = [];
  let missing = 0;
  const measureFrom = Date.now() + WARMUP_S * 1000;
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const now = Date.now();
    const m = JSON.parse(data.toString()) as { type: string; detection?: Detection };
    if (m.type !== 'detection' || !m.detection || now < measureFrom) return;
    const at = logs.get(m.detection.station)?.wallAt(m.detection.end);
    if (at === undefined) missing++;
    else {
      lat.push(now - at);
      const h = handed.get(m.detection.id);
      if (h !== undefined) pipe.push(h - at);
    }
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  await new Promise((r) => setTimeout(r, (WARMUP_S + SECONDS) * 1000));
  ws.close();
  await app.close();
  await monitor.stop();
  return { lat, pipe, missing };
}

const sortNum = (xs: number[]): number[] => xs.sort((a, b) => a - b);

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'hm-bench-latency-'));
  try {
    const wav = writeBurstWav(join(dir, 'rec'), { ...DEFAULT_SHAPE, sampleRate: SR });
    const out: Record<string, number> = {};
    for (const n of COUNTS) {
      const { lat, pipe, missing } = await one(n, wav, dir, 0.5);
      sortNum(lat);
      out[`p50_ms_n${n}`] = quantile(lat, 0.5);
      out[`p99_ms_n${n}`] = quantile(lat, 0.99);
      out[`max_ms_n${n}`] = lat.length ? lat[lat.length - 1] : Number.NaN;
      out[`pipeline_p99_ms_n${n}`] = quantile(sortNum(pipe), 0.99);
      out[`detections_n${n}`] = lat.length;
      if (missing > 0) process.stderr.write(`latency n=${n}: ${missing} detections with no arrival time (not counted)\n`);
    }
    if (SMALL_CHUNK) {
      const { lat, pipe } = await one(NMAX, wav, dir, 0.1);
      sortNum(lat);
      out[`p50_ms_n${NMAX}_c0.1`] = quantile(lat, 0.5);
      out[`p99_ms_n${NMAX}_c0.1`] = quantile(lat, 0.99);
      out[`pipeline_p99_ms_n${NMAX}_c0.1`] = quantile(sortNum(pipe), 0.99);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await run();
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  process.exit(0);
}
