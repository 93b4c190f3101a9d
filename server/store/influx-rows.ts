// Turns InfluxDB's JSON query answers into monitor values. Pure, so it is tested without a server.
import type { Detection, Encounter, SourceState, StationStatus } from '../../streams/types.ts';
import type { HourlyCount } from './types.ts';

export interface RawSeries {
  readonly name: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly values: readonly (readonly unknown[])[];
}

export interface RawResponse {
  readonly results?: readonly { readonly series?: readonly RawSeries[]; readonly error?: string }[];
  readonly error?: string;
}

export function seriesOf(raw: RawResponse): RawSeries[] {
  if (raw.error) throw new Error(`InfluxDB query failed: ${raw.error}`);
  const out: RawSeries[] = [];
  for (const r of raw.results ?? []) {
    if (r.error) throw new Error(`InfluxDB query failed: ${r.error}`);
    for (const s of r.series ?? []) out.push(s);
  }
  return out;
}

function rowObjects(s: RawSeries): Record<string, unknown>[] {
  return s.values.map((v) => {
    const o: Record<string, unknown> = { ...(s.tags ?? {}) };
    s.columns.forEach((c, i) => { o[c] = v[i]; });
    return o;
  });
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const numv = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** Durations back to ms, dropping float noise below a microsecond. */
const ms = (s: number): number => Math.round(s * 1e6) / 1e3;

/** Rows of `SELECT * FROM detection ...` with epoch=ms. */
export function detectionsFrom(raw: RawResponse): Detection[] {
  const out: Detection[] = [];
  for (const s of seriesOf(raw)) {
    for (const r of rowObjects(s)) {
      const start = numv(r.time);
      const id = str(r.detection_id);
      if (start === undefined || id === undefined) continue;
      const file = str(r.file);
      const offsetS = numv(r.offset_s);
      const d: Detection = {
        id,
        station: str(r.station) ?? 'unknown',
        species: str(r.species) ?? 'unknown',
        model: str(r.model) ?? 'unknown',
        confidence: numv(r.confidence) ?? 0,
        start,
        end: start + ms(numv(r.duration_s) ?? 0),
        ...(file !== undefined && offsetS !== undefined ? { origin: { file, offsetS } } : {}),
        ...(numv(r.freq_low_hz) !== undefined ? { freqLowHz: numv(r.freq_low_hz) } : {}),
        ...(numv(r.freq_high_hz) !== undefined ? { freqHighHz: numv(r.freq_high_hz) } : {}),
        ...(str(r.clip) !== undefined ? { clip: str(r.clip) } : {}),
      };
      out.push(d);
    }
  }
  return out;
}

export function encountersFrom(raw: RawResponse): Encounter[] {
  const out: Encounter[] = [];
  for (const s of seriesOf(raw)) {
    for (const r of rowObjects(s)) {
      const start = numv(r.time);
      const id = str(r.encounter_id);
      if (start === undefined || id === undefined) continue;
      out.push({
        id,
        station: str(r.station) ?? 'unknown',
        species: str(r.species) ?? 'unknown',
        start,
        end: start + ms(numv(r.duration_s) ?? 0),
        count: numv(r.count) ?? 0,
        peakConfidence: numv(r.peak_confidence) ?? 0,
      });
    }
  }
  return out;
}

// A Record, not a list: tsc fails here when SourceState gains a state, so rows in it are not dropped.
const STATES: Readonly<Record<SourceState, true>> = { connecting: true, live: true, stalled: true, down: true, faulted: true, ended: true, waiting: true };
const isState = (v: string | undefined): v is SourceState => v !== undefined && Object.hasOwn(STATES, v);

export function healthFrom(raw: RawResponse): StationStatus[] {
  const out: StationStatus[] = [];
  for (const s of seriesOf(raw)) {
    for (const r of rowObjects(s)) {
      const at = numv(r.time);
      const state = str(r.status);
      const station = str(r.station);
      if (at === undefined || !isState(state) || station === undefined) continue;
      const message = str(r.message);
      // Null in rows written without it (SELECT * fills the column once any row has it).
      const behindS = numv(r.behind_s);
      out.push({
        station, state, at,
        rmsDb: numv(r.rms_db) ?? null,
        lagS: numv(r.lag_s) ?? 0,
        gapS: numv(r.gap_s) ?? 0,
        samples: numv(r.samples) ?? 0,
        ...(behindS !== undefined ? { behindS } : {}),
        ...(message !== undefined ? { message } : {}),
      });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Rows of `SELECT count(..) ... GROUP BY time(1h), station, species` with epoch=ms. */
export function hourlyFrom(raw: RawResponse): HourlyCount[] {
  const out: HourlyCount[] = [];
  for (const s of seriesOf(raw)) {
    const ti = s.columns.indexOf('time');
    const ci = s.columns.findIndex((c) => c !== 'time');
    for (const v of s.values) {
      const hour = numv(v[ti]);
      const count = numv(v[ci]);
      if (hour === undefined || count === undefined || count === 0) continue;
      out.push({ hour, station: s.tags?.station ?? 'unknown', species: s.tags?.species ?? 'unknown', count });
    }
  }
  return out.sort((a, b) => a.hour - b.hour || a.station.localeCompare(b.station) || a.species.localeCompare(b.species));
}
