// How many 48 kHz stations one monitor process carries in real time on this machine: N stations
// replay a generated recording with tone bursts at speed 1 (loop) through the real monitor
// (the shipped model, as a station runs it — CAP_MODEL=level for the level classifier of the fault
// tests —, embedded store, clips off), for CAP_BENCH_S seconds per step. A step keeps up
// when, at its end, every station's audio has reached the wall clock (the replay pulls, so a
// pipeline that falls behind shows as audio delivered < wall time elapsed) within 2 s, that gap did
// not grow by more than 0.5 s over the step, and the largest StationStatus.lagS seen is under 1 s.
// Steps stop at the first that does not keep up.
// runCapacity('tcp') (bench/capacity-tcp.ts): the same through TCP stations (tcp://127.0.0.1:port, HYDR framing): a child
// process (bench/live.ts --pusher) pushes 48 kHz s16 mono to every station at real-time pace in
// 0.1 s frames, so "keeps up" also covers socket reads, framing and the chunk assembler.
// CPU per station = process CPU time (user + system, all threads) / wall time / N, in % of one
// core, measured after a 3 s warm-up.
//
//   node --import tsx bench/capacity.ts                       # 10 s per step (~1.7 min), prints JSON
//   CAP_BENCH_S=600 CAP_BENCH_N=10,25,50,100,150 node --import tsx bench/capacity.ts   # 10 min steps
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { tap } from 'rxjs';
import { defaultModelDir, loadWindowClassifier } from '../models/classifier.ts';
import { defaultFeatureConfig as cfg } from '../models/feature-config.ts';
import { startMonitor } from '../server/monitor.ts';
import { configSchema } from '../config/schema.ts';
import { openStationSource } from '../server/station-source.ts';
import { createEmbeddedStore } from '../server/store/embedded.ts';
import { DEFAULT_SHAPE, burstClassifier, stationsConfig, writeBurstWav } from '../test/faults/burst-harness.ts';

const COUNTS = (process.env.CAP_BENCH_N ?? '10,50,100,200,300,400,500').split(',').map(Number).sort((a, b) => a - b);
const SECONDS = Number(process.env.CAP_BENCH_S ?? 10);
const SR = Number(process.env.CAP_BENCH_SR ?? 48_000);
const WARMUP_S = 3;
/** 'shipped' (default): models/hydromon-tcn, loaded once per step like the monitor does; 'level': the fault tests' level classifier. */
const MODEL = process.env.CAP_MODEL ?? 'shipped';
if (MODEL !== 'shipped' && MODEL !== 'level') throw new Error(`CAP_MODEL must be shipped or level, got ${MODEL}`);
export type CapacitySource = 'archive' | 'tcp';

/** n free loopback ports (listened on, then released for the stations to take). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<Server>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  })));
  const ports = servers.map((srv) => (srv.address() as AddressInfo).port);
  await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
  return ports;
}

/** The pusher child of bench/live.ts: real-time 48 kHz s16 to every port for `seconds`. */
function push(ports: number[], seconds: number): ChildProcess {
  const live = join(dirname(fileURLToPath(import.meta.url)), 'live.ts');
  return spawn(process.execPath, ['--import', 'tsx', live, '--pusher', String(seconds), ...ports.map(String)], { stdio: 'inherit' });
}
/** Audio may trail the wall clock by this much at the end, and the backlog grow by this much over the step. */
const MAX_BEHIND_S = 2;
const MAX_GROWTH_S = 0.5;
const MAX_LAG_S = 1;

export const runs = 1;
export const units: Record<string, string> = {
  max_stations_kept_up: 'stations (of those tried)',
  cpu_pct_per_station: `% of one core (at the highest step that kept up; model: ${MODEL})`,
};
for (const n of COUNTS) {
  units[`behind_s_n${n}`] = 's (audio behind wall clock at the end, worst station)';
  units[`growth_s_n${n}`] = 's (growth of that over the step)';
  units[`lag_max_s_n${n}`] = 's (max StationStatus.lagS)';
  units[`cpu_pct_n${n}`] = '% of one core (whole process)';
  units[`kept_up_n${n}`] = '1 = kept up';
}

interface Step {
  readonly behindS: number;
  readonly growthS: number;
  readonly lagMaxS: number;
  readonly cpuPct: number;
  readonly keptUp: boolean;
}

/**
 * How far the worst station's audio trails the wall clock, seconds. Negative: the paced replay
 * hands each chunk out at the start of its audio, so a station that keeps up is up to one chunk
 * (0.5 s) ahead. A station that never delivered a chunk counts as behind by the whole run.
 */
function worstBehind(ids: string[], first: Map<string, number>, audioS: Map<string, number>): number {
  const now = Date.now();
  let worst = -Infinity;
  for (const id of ids) {
    const f = first.get(id);
    worst = Math.max(worst, f === undefined ? Infinity : (now - f) / 1000 - (audioS.get(id) ?? 0));
  }
  return worst;
}

async function step(n: number, wav: string, dir: string, source: CapacitySource): Promise<Step> {
  const store = createEmbeddedStore({ dir: join(dir, `data-${n}`) });
  const model = MODEL === 'level' ? await burstClassifier({ ...DEFAULT_SHAPE, sampleRate: SR }) : await loadWindowClassifier(defaultModelDir());
  const first = new Map<string, number>();
  const audioS = new Map<string, number>();
  const ports = source === 'tcp' ? await freePorts(n) : [];
  const config = source === 'tcp'
    ? configSchema.parse({ stations: ports.map((p, i) => ({ id: `st${String(i).padStart(3, '0')}`, source: `tcp://127.0.0.1:${p}` })), clips: false, alerts: { log: false } })
    : stationsConfig({ n, source: wav, speed: 1, loop: true });
  const monitor = startMonitor({
    config,
    store,
    model,
    featureConfig: model.featureConfig, // the model's own (the shipped one adds the rhythm row)
    openSource: (st, ctx) => openStationSource(st, ctx).pipe(tap((c) => {
      if (!first.has(st.id)) first.set(st.id, Date.now());
      audioS.set(st.id, (audioS.get(st.id) ?? 0) + c.samples.length / c.sampleRate);
    })),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  let pusher: ChildProcess | null = null;
  let pushFailed: number | null = null;
  if (source === 'tcp') {
    await new Promise((r) => setTimeout(r, 1000)); // the stations' listeners are up
    pusher = push(ports, WARMUP_S + SECONDS + 2);
    pusher.on('exit', (code) => { if (code) pushFailed = code; });
  }
  let lagMaxS = 0;
  let measuring = false;
  const sub = monitor.status$.subscribe((s) => { if (measuring) lagMaxS = Math.max(lagMaxS, s.lagS); });
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  measuring = true;
  const behind0 = worstBehind(monitor.stations().map((s) => s.id), first, audioS);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - t0) / 1000;
  const behindS = worstBehind(monitor.stations().map((s) => s.id), first, audioS);
  for (const v of Object.values(monitor.metrics().lagS)) lagMaxS = Math.max(lagMaxS, v);
  sub.unsubscribe();
  pusher?.kill();
  await monitor.stop();
  if (pushFailed !== null) throw new Error(`capacity n=${n}: the TCP pusher exited with code ${pushFailed}`);
  model.dispose?.();
  const cpuPct = ((cpu.user + cpu.system) / 1e6 / wallS) * 100;
  // Kept up: the backlog did not grow over the measured stretch and stays small.
  const growthS = behindS - behind0;
  return { behindS, growthS, lagMaxS, cpuPct, keptUp: behindS <= MAX_BEHIND_S && growthS <= MAX_GROWTH_S && lagMaxS <= MAX_LAG_S };
}

export async function runCapacity(source: CapacitySource): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'hm-bench-capacity-'));
  try {
    const wav = writeBurstWav(join(dir, 'rec'), { ...DEFAULT_SHAPE, sampleRate: SR });
    const out: Record<string, number> = { max_stations_kept_up: 0, cpu_pct_per_station: Number.NaN };
    for (const n of COUNTS) {
      const s = await step(n, wav, dir, source);
      process.stderr.write(`capacity (${source}) n=${n}: behind ${s.behindS.toFixed(2)} s (grew ${s.growthS.toFixed(2)} s), lag max ${s.lagMaxS.toFixed(3)} s, cpu ${s.cpuPct.toFixed(0)} %, ${s.keptUp ? 'kept up' : 'FELL BEHIND'}\n`);
      out[`behind_s_n${n}`] = s.behindS;
      out[`growth_s_n${n}`] = s.growthS;
      out[`lag_max_s_n${n}`] = s.lagMaxS;
      out[`cpu_pct_n${n}`] = s.cpuPct;
      out[`kept_up_n${n}`] = s.keptUp ? 1 : 0;
      if (!s.keptUp) break;
      out.max_stations_kept_up = n;
      out.cpu_pct_per_station = s.cpuPct / n;
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const run = (): Promise<Record<string, number>> => runCapacity('archive');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await run();
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  process.exit(0);
}
