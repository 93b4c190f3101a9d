// An in-memory MonitorHandle driven by Subjects: tests of the server and the dashboard push
// statuses, detections, encounters, alerts and spectrogram columns by hand and see what comes out.
// It is a real implementation of the contract (with a real in-memory DetectionStore), not a mock:
// nothing here records calls or fakes answers.
import { Observable, Subject } from 'rxjs';
import type { Detection, Encounter, StationStatus } from '../../streams/types.ts';
import type {
  AlertEvent, MonitorHandle, MonitorMetrics, SpectrogramColumn, StationInfo,
} from '../../server/monitor-types.ts';
import type { DetectionQuery, DetectionStore, HourlyCount } from '../../server/store/types.ts';

const HOUR = 3_600_000;

/** DetectionStore kept in arrays: newest first, same filters as the real stores. */
export class MemoryStore implements DetectionStore {
  readonly detections: Detection[] = [];
  readonly encounters: Encounter[] = [];
  readonly health: StationStatus[] = [];
  closed = false;

  async writeDetections(ds: readonly Detection[]): Promise<void> {
    for (const d of ds) {
      // Same id twice (a replay) replaces rather than duplicates, as the real stores do.
      const i = this.detections.findIndex((x) => x.id === d.id);
      if (i >= 0) this.detections[i] = d; else this.detections.push(d);
    }
  }

  async writeHealth(ss: readonly StationStatus[]): Promise<void> {
    this.health.push(...ss);
  }

  async writeEncounters(es: readonly Encounter[]): Promise<void> {
    for (const e of es) {
      const i = this.encounters.findIndex((x) => x.id === e.id);
      if (i >= 0) this.encounters[i] = e; else this.encounters.push(e);
    }
  }

  async queryDetections(q: DetectionQuery): Promise<Detection[]> {
    const rows = this.detections
      .filter((d) => d.start >= q.from && d.start < q.to)
      .filter((d) => q.station === undefined || d.station === q.station)
      .filter((d) => q.species === undefined || d.species === q.species)
      .filter((d) => q.minConfidence === undefined || d.confidence >= q.minConfidence)
      .sort((a, b) => b.start - a.start);
    const off = q.offset ?? 0;
    return rows.slice(off, q.limit === undefined ? undefined : off + q.limit);
  }

  async countsPerHour(q: Omit<DetectionQuery, 'limit' | 'offset' | 'minConfidence'>): Promise<HourlyCount[]> {
    const all = await this.queryDetections({ from: q.from, to: q.to, station: q.station, species: q.species });
    const m = new Map<string, HourlyCount>();
    for (const d of all) {
      const hour = Math.floor(d.start / HOUR) * HOUR;
      const key = `${hour}|${d.station}|${d.species}`;
      const c = m.get(key);
      m.set(key, { hour, station: d.station, species: d.species, count: (c?.count ?? 0) + 1 });
    }
    return [...m.values()].sort((a, b) => a.hour - b.hour);
  }

  async queryEncounters(q: DetectionQuery): Promise<Encounter[]> {
    const rows = this.encounters
      .filter((e) => e.end >= q.from && e.start < q.to)
      .filter((e) => q.station === undefined || e.station === q.station)
      .filter((e) => q.species === undefined || e.species === q.species)
      .sort((a, b) => b.start - a.start);
    const off = q.offset ?? 0;
    return rows.slice(off, q.limit === undefined ? undefined : off + q.limit);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export interface FakeStation {
  readonly id: string;
  readonly name?: string;
  readonly source?: string;
  readonly kind?: string;
}

export function initialStatus(station: string, at = Date.now()): StationStatus {
  return { station, state: 'connecting', rmsDb: null, lagS: 0, gapS: 0, samples: 0, at };
}

/** A MonitorHandle whose streams are Subjects the test drives. */
export class FakeMonitor implements MonitorHandle {
  readonly statusSubject = new Subject<StationStatus>();
  readonly detectionSubject = new Subject<Detection>();
  readonly encounterSubject = new Subject<Encounter>();
  readonly alertSubject = new Subject<AlertEvent>();
  readonly status$: Observable<StationStatus> = this.statusSubject.asObservable();
  readonly detections$: Observable<Detection> = this.detectionSubject.asObservable();
  readonly encounters$: Observable<Encounter> = this.encounterSubject.asObservable();
  readonly alerts$: Observable<AlertEvent> = this.alertSubject.asObservable();
  readonly store: DetectionStore;
  readonly clipsDir: string | null;
  readonly metricsState: MonitorMetrics;
  rules: unknown[] = [];
  private readonly infos = new Map<string, StationInfo>();
  private readonly spectra = new Map<string, Subject<SpectrogramColumn>>();
  /** How many subscribers each station's spectrogram has now (tests check the server lets go). */
  readonly spectrogramSubscribers = new Map<string, number>();

  constructor(stations: readonly FakeStation[], opts: { store?: DetectionStore; clipsDir?: string | null } = {}) {
    this.store = opts.store ?? new MemoryStore();
    this.clipsDir = opts.clipsDir ?? null;
    const zero = (): Record<string, number> => Object.fromEntries(stations.map((s) => [s.id, 0]));
    this.metricsState = {
      windowsProcessed: zero(), detections: zero(), lagS: zero(), queueDepth: zero(), reconnects: zero(),
    };
    for (const s of stations) {
      this.infos.set(s.id, {
        id: s.id, name: s.name ?? s.id, source: s.source ?? `file:///${s.id}.wav`, kind: s.kind ?? 'archive',
        status: initialStatus(s.id),
      });
    }
  }

  stations(): StationInfo[] {
    return [...this.infos.values()];
  }

  spectrogram$(station: string): Observable<SpectrogramColumn> {
    let s = this.spectra.get(station);
    if (!s) { s = new Subject<SpectrogramColumn>(); this.spectra.set(station, s); }
    const subject = s;
    return new Observable<SpectrogramColumn>((sub) => {
      this.spectrogramSubscribers.set(station, (this.spectrogramSubscribers.get(station) ?? 0) + 1);
      const inner = subject.subscribe(sub);
      return () => {
        inner.unsubscribe();
        this.spectrogramSubscribers.set(station, (this.spectrogramSubscribers.get(station) ?? 1) - 1);
      };
    });
  }

  metrics(): MonitorMetrics {
    return this.metricsState;
  }

  alertRules(): unknown[] {
    return this.rules;
  }

  // ---- driving it ----

  pushStatus(s: StationStatus): void {
    const info = this.infos.get(s.station);
    if (info) this.infos.set(s.station, { ...info, status: s });
    this.metricsState.lagS[s.station] = s.lagS;
    this.statusSubject.next(s);
  }

  /** Store the detection (as the real monitor's sink does) and then announce it. */
  async pushDetection(d: Detection): Promise<void> {
    await this.store.writeDetections([d]);
    this.metricsState.detections[d.station] = (this.metricsState.detections[d.station] ?? 0) + 1;
    this.detectionSubject.next(d);
  }

  async pushEncounter(e: Encounter): Promise<void> {
    await this.store.writeEncounters?.([e]);
    this.encounterSubject.next(e);
  }

  pushAlert(a: AlertEvent): void {
    this.alertSubject.next(a);
  }

  pushColumn(c: SpectrogramColumn): void {
    this.spectra.get(c.station)?.next(c);
  }

  /** Complete every stream (what the real monitor does on shutdown). */
  complete(): void {
    this.statusSubject.complete();
    this.detectionSubject.complete();
    this.encounterSubject.complete();
    this.alertSubject.complete();
    for (const s of this.spectra.values()) s.complete();
  }
}

/** A spectrogram column with a bright band around `hz` (for drawing tests). */
export function column(station: string, t: number, opts: { n?: number; maxHz?: number; hz?: number; level?: number } = {}): SpectrogramColumn {
  const n = opts.n ?? 128;
  const maxHz = opts.maxHz ?? 8000;
  const bins = new Uint8Array(n);
  const hz = opts.hz ?? 2000;
  const centre = Math.round((hz / maxHz) * (n - 1));
  for (let i = 0; i < n; i++) {
    const dist = Math.abs(i - centre);
    bins[i] = dist < 3 ? (opts.level ?? 240) : 20 + ((i * 7 + Math.floor(t / 100)) % 30);
  }
  return { station, t, bins, maxHz };
}
