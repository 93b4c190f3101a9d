// How many 48 kHz stations one monitor process carries in real time on this machine: N stations
// replay a generated recording with tone bursts at speed 1 (loop) through the real monitor
// (level classifier, embedded store, clips off), for CAP_BENCH_S seconds per step. A step keeps up
// when, at its end, every station's audio has reached the wall clock (the replay pulls, so a
// pipeline that falls behind shows as audio delivered < wall time elapsed) within 2 s, that gap did
// not grow by more than 0.5 s over the step, and the largest StationStatus.lagS seen is under 1 s.
// Steps stop at the first that does not keep up.
// CPU per station = process CPU time (user + system, all threads) / wall time / N, in % of one
// core, measured after a 3 s warm-up.
//
//   node --import tsx bench/capacity.ts                       # 10 s per step (~1.7 min), prints JSON
//   CAP_BENCH_S=600 CAP_BENCH_N=10,25,50,100,150 node --import tsx bench/capacity.ts   # 10 min steps
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tap } from 'rxjs';
import { defaultFeatureConfig as cfg } from '../models/feature-config.ts';
import { startMonitor } from '../server/monitor.ts';
import { openStationSource } from '../server/station-source.ts';
import { createEmbeddedStore } from '../server/store/embedded.ts';
import { DEFAULT_SHAPE, burstClassifier, stationsConfig, writeBurstWav } from '../test/faults/burst-harness.ts';

const COUNTS = (process.env.CAP_BENCH_N ?? '10,50,100,200,300,400,500').split(',').map(Number).sort((a, b) => a - b);
const SECONDS = Number(process.env.CAP_BENCH_S ?? 10);
const SR = Number(process.env.CAP_BENCH_SR ?? 48_000);
const WARMUP_S = 3;
/** Audio may trail the wall clock by this much at the end, and the backlog grow by this much over the step. */
const MAX_BEHIND_S = 2;
const MAX_GROWTH_S = 0.5;
const MAX_LAG_S = 1;

export const runs = 1;
export const units: Record<string, string> = {
  max_stations_kept_up: 'stations (of those tried)',
  cpu_pct_per_station: '% of one core (at the highest step that kept up)',
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

async function step(n: number, wav: string, dir: string): Promise<Step> {
  const store = createEmbeddedStore({ dir: join(dir, `data-${n}`) });
  const model = await burstClassifier({ ...DEFAULT_SHAPE, sampleRate: SR });
  const first = new Map<string, number>();
  const audioS = new Map<string, number>();
  const monitor = startMonitor({
    config: stationsConfig({ n, source: wav, speed: 1, loop: true }),
    store,
    model,
    featureConfig: cfg,
    openSource: (st, ctx) => openStationSource(st, ctx).pipe(tap((c) => {
      if (!first.has(st.id)) first.set(st.id, Date.now());
      audioS.set(st.id, (audioS.get(st.id) ?? 0) + c.samples.length / c.sampleRate);
    })),
    log: (m) => process.stderr.write(`${m}\n`),
  });
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
  await monitor.stop();
  const cpuPct = ((cpu.user + cpu.system) / 1e6 / wallS) * 100;
  // Kept up: the backlog did not grow over the measured stretch and stays small.
  const growthS = behindS - behind0;
  return { behindS, growthS, lagMaxS, cpuPct, keptUp: behindS <= MAX_BEHIND_S && growthS <= MAX_GROWTH_S && lagMaxS <= MAX_LAG_S };
}

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'hm-bench-capacity-'));
  try {
    const wav = writeBurstWav(join(dir, 'rec'), { ...DEFAULT_SHAPE, sampleRate: SR });
    const out: Record<string, number> = { max_stations_kept_up: 0, cpu_pct_per_station: Number.NaN };
    for (const n of COUNTS) {
      const s = await step(n, wav, dir);
      process.stderr.write(`capacity n=${n}: behind ${s.behindS.toFixed(2)} s (grew ${s.growthS.toFixed(2)} s), lag max ${s.lagMaxS.toFixed(3)} s, cpu ${s.cpuPct.toFixed(0)} %, ${s.keptUp ? 'kept up' : 'FELL BEHIND'}\n`);
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await run();
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  process.exit(0);
}
