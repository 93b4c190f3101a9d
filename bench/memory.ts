// Memory a station costs, and whether a long run grows. All through the real monitor (level
// classifier on a generated recording with tone bursts, embedded store in a temp folder).
//
// 1. Per station: RSS and V8 heap + ArrayBuffers (after a full GC) with a 0-station monitor, then with N stations
//    (MEM_BENCH_N, default 10) replaying 48 kHz audio in steady state; (N − 0) / N. Measured with
//    clips off and with clips on: the clip writer keeps pre-roll + post-roll + 60 s of each
//    station's audio at its native rate as 16-bit samples (server/clips/ring-buffer.ts; 62 s at
//    48 kHz = 6 MB, it was 12 MB as float32), which is most of a station's memory. The replay runs at speed 10 so the clip rings fill within seconds; the
//    steady state does not depend on the speed.
// 2. Soak: 10 stations replaying at speed MEM_SOAK_SPEED (default 200, loop) for MEM_SOAK_S
//    seconds (default 60), clips off (the clip writer's disk queue cannot keep up with 2,000×
//    real time, which is not a leak). Heap and RSS after a full GC every 5 s; growth = last
//    sample vs the one at MEM_SOAK_S / 4 (after caches and JIT settle), in %. The soak replays
//    audio at the analysis rate (no resampling) to cover more audio per CPU second; the
//    figure soak_audio_h_per_station says how much was simulated (a day is 24 h).
//
// A full GC is needed for stable figures: `node --expose-gc --import tsx bench/memory.ts`. Without
// the flag the bench enables it itself through v8.setFlagsFromString (works on Node 20).
//   MEM_SOAK_S=1800 node --expose-gc --import tsx bench/memory.ts    # 30 min soak
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defaultFeatureConfig as cfg } from '../models/feature-config.ts';
import { openClipWriter } from '../server/clips/writer.ts';
import { startMonitor, type Monitor } from '../server/monitor.ts';
import { openStationSource } from '../server/station-source.ts';
import { createEmbeddedStore } from '../server/store/embedded.ts';
import { DEFAULT_SHAPE, burstClassifier, stationsConfig, writeBurstWav } from '../test/faults/burst-harness.ts';

const N = Number(process.env.MEM_BENCH_N ?? 10);
const SOAK_S = Number(process.env.MEM_SOAK_S ?? 60);
const SOAK_SPEED = Number(process.env.MEM_SOAK_SPEED ?? 200);
const SOAK_SR = Number(process.env.MEM_SOAK_SR ?? cfg.sampleRate);
const SOAK_N = 10;
const MB = 1024 * 1024;

export const runs = 1;
export const units: Record<string, string> = {
  rss_mb_per_station: 'MB (clips off)',
  heap_mb_per_station: 'MB (clips off)',
  rss_mb_per_station_clips: 'MB (clips on, 62 s 16-bit ring)',
  heap_mb_per_station_clips: 'MB (clips on, 62 s 16-bit ring)',
  rss_mb_0_stations: 'MB',
  soak_heap_growth_pct: '% (heap after GC, last vs first quarter)',
  soak_rss_growth_pct: '% (RSS, last vs first quarter)',
  soak_heap_mb_end: 'MB',
  soak_audio_h_per_station: 'h of audio simulated per station',
  soak_x_realtime: '× real time per station',
};

function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const gc = getGc();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function settle(): { rss: number; heap: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  // Samples live in ArrayBuffers, outside the V8 heap proper: count both.
  return { rss: m.rss / MB, heap: (m.heapUsed + m.arrayBuffers) / MB };
}

interface Started {
  readonly monitor: Monitor;
}

async function start(n: number, wav: string, dir: string, speed: number, sr: number, clips: boolean): Promise<Started> {
  const data = mkdtempSync(join(dir, 'data-'));
  const model = await burstClassifier({ ...DEFAULT_SHAPE, sampleRate: sr });
  const clipSink = clips ? openClipWriter({ dir: join(data, 'clips'), preRollS: 1, postRollS: 1, onProblem: () => undefined }) : null;
  const monitor = startMonitor({
    config: stationsConfig({ n, source: wav, speed, loop: true }),
    store: createEmbeddedStore({ dir: data }),
    model,
    featureConfig: cfg,
    openSource: openStationSource,
    clips: clipSink,
    log: (m) => process.stderr.write(`${m}\n`),
  });
  return { monitor };
}

/** MB per station of RSS and heap, N stations in steady state against 0. */
async function perStation(wav: string, dir: string, clips: boolean): Promise<{ rss: number; heap: number; rss0: number }> {
  const zero = await start(0, wav, dir, 10, DEFAULT_SHAPE.sampleRate, clips);
  await sleep(1000);
  const m0 = settle();
  await zero.monitor.stop();
  const many = await start(N, wav, dir, 10, DEFAULT_SHAPE.sampleRate, clips);
  // 8 s at speed 10 = 80 s of audio: past the clip ring's 62 s.
  await sleep(8000);
  const m1 = settle();
  await many.monitor.stop();
  await sleep(500);
  return { rss: (m1.rss - m0.rss) / N, heap: (m1.heap - m0.heap) / N, rss0: m0.rss };
}

async function soak(dir: string): Promise<Record<string, number>> {
  const wav = writeBurstWav(join(dir, 'rec16'), { ...DEFAULT_SHAPE, sampleRate: SOAK_SR });
  const { monitor } = await start(SOAK_N, wav, dir, SOAK_SPEED, SOAK_SR, false);
  const t0 = performance.now();
  const samples: { t: number; rss: number; heap: number }[] = [];
  const every = Math.min(5, Math.max(1, SOAK_S / 12));
  while ((performance.now() - t0) / 1000 < SOAK_S) {
    await sleep(every * 1000);
    samples.push({ t: (performance.now() - t0) / 1000, ...settle() });
  }
  const wallS = (performance.now() - t0) / 1000;
  const windows = Object.values(monitor.metrics().windowsProcessed);
  await monitor.stop();
  const ref = samples.find((s) => s.t >= SOAK_S / 4) ?? samples[0];
  const last = samples[samples.length - 1];
  // One window per second of audio (2 s windows, 1 s hop).
  const audioS = windows.reduce((a, b) => a + b, 0) / windows.length;
  process.stderr.write(`memory soak: ${samples.map((s) => `${s.t.toFixed(0)}s ${s.heap.toFixed(1)}/${s.rss.toFixed(0)}`).join(', ')} (heap/RSS MB)\n`);
  return {
    soak_heap_growth_pct: ((last.heap - ref.heap) / ref.heap) * 100,
    soak_rss_growth_pct: ((last.rss - ref.rss) / ref.rss) * 100,
    soak_heap_mb_end: last.heap,
    soak_audio_h_per_station: audioS / 3600,
    soak_x_realtime: audioS / wallS,
  };
}

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'hm-bench-memory-'));
  try {
    const wav = writeBurstWav(join(dir, 'rec'));
    const off = await perStation(wav, dir, false);
    const on = await perStation(wav, dir, true);
    return {
      rss_mb_per_station: off.rss,
      heap_mb_per_station: off.heap,
      rss_mb_per_station_clips: on.rss,
      heap_mb_per_station_clips: on.heap,
      rss_mb_0_stations: off.rss0,
      ...(await soak(dir)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await run();
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  process.exit(0);
}
