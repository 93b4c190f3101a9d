// The default store when no InfluxDB is configured: append-only JSON-lines files under ./data.
//
// Why JSON lines and not DuckDB (which is installed): (1) a crash or full disk mid-write tears at
// most the last line, which readers skip (day-log.ts) — nothing to repair, no WAL replay;
// (2) several processes can read while the monitor writes: `hydromon export --data ./data` works
// during a live run, where a DuckDB file is locked by its writer; (3) no native file format to
// migrate across library upgrades over months; plain text is greppable and trivially backed up.
// Queries touch only the days in range, read incrementally and cache parsed days (LRU), which
// is plenty for the rates a hydrophone monitor produces (thousands of detections a day).
//
//   <dir>/detections/YYYY-MM-DD.jsonl   Detection per line, day of `start` (UTC); same id → last wins
//   <dir>/encounters/YYYY-MM-DD.jsonl   Encounter per line, re-written as it grows; same id → last wins
//   <dir>/health/YYYY-MM-DD.jsonl       StationStatus, thinned (on change of state or every healthEveryS)
import { join } from 'node:path';
import type { Detection, Encounter, StationStatus } from '../../streams/types.ts';
import { Batcher } from './batcher.ts';
import { DayLog, dayOf } from './day-log.ts';
import { asDetection, asEncounter, asStatus } from './records.ts';
import type { DetectionQuery, DetectionStore, HealthQuery, HourlyCount } from './types.ts';

export const DEFAULT_DATA_DIR = './data';

export interface EmbeddedStoreOptions {
  /** Default ./data */
  readonly dir?: string;
  /** Delete day files older than this (default: keep everything). */
  readonly retentionDays?: number;
  /** Health rows at most this often per station unless the state changes (default 60 s). */
  readonly healthEveryS?: number;
  readonly batch?: { readonly maxItems?: number; readonly maxDelayMs?: number };
}

type Item =
  | { readonly kind: 'detection'; readonly v: Detection }
  | { readonly kind: 'encounter'; readonly v: Encounter }
  | { readonly kind: 'health'; readonly v: StationStatus };

const HOUR_MS = 3_600_000;

function matches(d: Detection, q: Partial<DetectionQuery>): boolean {
  return (q.from === undefined || d.start >= q.from) && (q.to === undefined || d.start < q.to)
    && (q.station === undefined || d.station === q.station)
    && (q.species === undefined || d.species === q.species)
    && (q.minConfidence === undefined || d.confidence >= q.minConfidence);
}

const newestFirst = (a: { start: number; id: string }, b: { start: number; id: string }): number =>
  b.start - a.start || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export class EmbeddedStore implements DetectionStore {
  readonly dir: string;
  private readonly detections: DayLog<Detection>;
  private readonly encounters: DayLog<Encounter>;
  private readonly health: DayLog<StationStatus>;
  private readonly batcher: Batcher<Item>;
  private readonly lastHealth = new Map<string, StationStatus>();
  private readonly healthEveryMs: number;
  private readonly retentionDays: number | undefined;
  private lastPrune = 0;

  constructor(opts: EmbeddedStoreOptions = {}) {
    this.dir = opts.dir ?? DEFAULT_DATA_DIR;
    // A month of parsed days in memory at most: bounded for months of running.
    this.detections = new DayLog({ dir: join(this.dir, 'detections'), key: (d) => d.id, parse: asDetection, cacheDays: 31 });
    this.encounters = new DayLog({ dir: join(this.dir, 'encounters'), key: (e) => e.id, parse: asEncounter });
    this.health = new DayLog({ dir: join(this.dir, 'health'), key: (s) => `${s.station}@${s.at}`, parse: asStatus, cacheDays: 2 });
    this.healthEveryMs = (opts.healthEveryS ?? 60) * 1000;
    this.retentionDays = opts.retentionDays;
    this.batcher = new Batcher<Item>((items) => this.flushItems(items), {
      maxItems: opts.batch?.maxItems ?? 500,
      maxDelayMs: opts.batch?.maxDelayMs ?? 100,
    });
    this.prune();
  }

  /** Lines skipped as unreadable (torn by a crash, edited by hand) in reads so far. */
  get skippedLines(): number {
    return this.detections.skipped + this.encounters.skipped + this.health.skipped;
  }

  private prune(): void {
    if (this.retentionDays === undefined) return;
    const now = Date.now();
    if (now - this.lastPrune < HOUR_MS) return;
    this.lastPrune = now;
    const cut = dayOf(now - this.retentionDays * 86_400_000);
    for (const log of [this.detections, this.encounters, this.health]) log.dropBefore(cut);
  }

  private async flushItems(items: Item[]): Promise<void> {
    const det: { day: string; record: Detection }[] = [];
    const enc: { day: string; record: Encounter }[] = [];
    const hea: { day: string; record: StationStatus }[] = [];
    for (const it of items) {
      if (it.kind === 'detection') det.push({ day: dayOf(it.v.start), record: it.v });
      else if (it.kind === 'encounter') enc.push({ day: dayOf(it.v.start), record: it.v });
      else hea.push({ day: dayOf(it.v.at), record: it.v });
    }
    if (det.length) await this.detections.append(det);
    if (enc.length) await this.encounters.append(enc);
    if (hea.length) await this.health.append(hea);
    this.prune();
  }

  writeDetections(detections: readonly Detection[]): Promise<void> {
    return this.batcher.add(detections.map((v) => ({ kind: 'detection' as const, v })));
  }

  writeEncounters(encounters: readonly Encounter[]): Promise<void> {
    return this.batcher.add(encounters.map((v) => ({ kind: 'encounter' as const, v })));
  }

  writeHealth(statuses: readonly StationStatus[]): Promise<void> {
    const keep = statuses.filter((s) => {
      const last = this.lastHealth.get(s.station);
      if (last && last.state === s.state && s.at - last.at < this.healthEveryMs) return false;
      this.lastHealth.set(s.station, s);
      return true;
    });
    return this.batcher.add(keep.map((v) => ({ kind: 'health' as const, v })));
  }

  async queryDetections(q: DetectionQuery): Promise<Detection[]> {
    const want = q.limit === undefined ? Infinity : Math.max(0, q.limit) + Math.max(0, q.offset ?? 0);
    const out: Detection[] = [];
    // Newest day first, so a page of the latest detections reads only the last day or two.
    for (const day of this.detections.daysIn(q.from, q.to).reverse()) {
      for (const d of (await this.detections.day(day)).values()) if (matches(d, q)) out.push(d);
      if (out.length >= want) break;
    }
    out.sort(newestFirst);
    const off = Math.max(0, q.offset ?? 0);
    return q.limit === undefined ? out.slice(off) : out.slice(off, off + Math.max(0, q.limit));
  }

  async queryEncounters(q: DetectionQuery): Promise<Encounter[]> {
    const out: Encounter[] = [];
    // An encounter belongs to the day it started; look one day back for ones still running.
    for (const day of this.encounters.daysIn(q.from - 86_400_000, q.to)) {
      for (const e of (await this.encounters.day(day)).values()) {
        if (e.end < q.from || e.start >= q.to) continue;
        if (q.station !== undefined && e.station !== q.station) continue;
        if (q.species !== undefined && e.species !== q.species) continue;
        if (q.minConfidence !== undefined && e.peakConfidence < q.minConfidence) continue;
        out.push(e);
      }
    }
    out.sort(newestFirst);
    const off = Math.max(0, q.offset ?? 0);
    return q.limit === undefined ? out.slice(off) : out.slice(off, off + Math.max(0, q.limit));
  }

  async countsPerHour(q: Omit<DetectionQuery, 'limit' | 'offset' | 'minConfidence'>): Promise<HourlyCount[]> {
    const counts = new Map<string, HourlyCount>();
    for (const day of this.detections.daysIn(q.from, q.to)) {
      for (const d of (await this.detections.day(day)).values()) {
        if (!matches(d, q)) continue;
        const hour = Math.floor(d.start / HOUR_MS) * HOUR_MS;
        const k = `${hour}\u0000${d.station}\u0000${d.species}`;
        const c = counts.get(k);
        counts.set(k, { hour, station: d.station, species: d.species, count: (c?.count ?? 0) + 1 });
      }
    }
    return [...counts.values()].sort((a, b) => a.hour - b.hour || a.station.localeCompare(b.station) || a.species.localeCompare(b.species));
  }

  /** Station health rows (thinned) in [from, to), oldest first. */
  async queryHealth(q: HealthQuery): Promise<StationStatus[]> {
    const out: StationStatus[] = [];
    for (const day of this.health.daysIn(q.from, q.to)) {
      for (const s of (await this.health.day(day)).values()) {
        if (s.at >= q.from && s.at < q.to && (q.station === undefined || s.station === q.station)) out.push(s);
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  flush(): Promise<void> {
    return this.batcher.flush();
  }

  async close(): Promise<void> {
    await this.batcher.close();
  }
}

export function createEmbeddedStore(opts: EmbeddedStoreOptions = {}): EmbeddedStore {
  return new EmbeddedStore(opts);
}
