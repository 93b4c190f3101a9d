// Streams the detections of a time range out of a store, oldest first, as CSV, a Raven selection
// table or JSON lines (one Detection object per line, times as epoch ms like the store's).
// Reads one UTC day at a time so memory stays bounded for exports over months.
import type { Detection } from '../../streams/types.ts';
import type { DetectionStore } from '../store/types.ts';
import { CSV_HEADER, csvRow } from './csv.ts';
import { RAVEN_HEADER, ravenRow } from './raven.ts';

export type ExportFormat = 'csv' | 'raven' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'raven', 'json'];

export interface ExportOptions {
  readonly from: number;
  readonly to: number;
  readonly station?: string;
  readonly species?: string;
  readonly minConfidence?: number;
  readonly format: ExportFormat;
  /** Raven: band for detections without one. */
  readonly ravenBand?: readonly [number, number];
  /** Page size of store queries. */
  readonly pageSize?: number;
}

const DAY_MS = 86_400_000;

/** Detections in [from, to), oldest first, one window at a time. */
export async function* detectionsInOrder(store: DetectionStore, o: Omit<ExportOptions, 'format'>): AsyncGenerator<Detection> {
  const page = o.pageSize ?? 5000;
  for (let a = o.from; a < o.to; a = Math.min(o.to, Math.floor(a / DAY_MS) * DAY_MS + DAY_MS)) {
    const b = Math.min(o.to, Math.floor(a / DAY_MS) * DAY_MS + DAY_MS);
    const got = new Map<string, Detection>();
    for (let offset = 0; ; offset += page) {
      const rows = await store.queryDetections({
        from: a, to: b, station: o.station, species: o.species, minConfidence: o.minConfidence, limit: page, offset,
      });
      for (const d of rows) got.set(d.id, d);
      if (rows.length < page) break;
    }
    yield* [...got.values()].sort((x, y) => x.start - y.start || (x.id < y.id ? -1 : 1));
  }
}

/** Formatted lines (each without its newline), header first. Returns the number of detections via `counted`. */
export async function* exportLines(store: DetectionStore, o: ExportOptions): AsyncGenerator<string> {
  if (!(o.to > o.from)) throw new Error('export: --to must be after --from');
  if (o.format === 'csv') yield CSV_HEADER;
  if (o.format === 'raven') yield RAVEN_HEADER;
  let n = 0;
  for await (const d of detectionsInOrder(store, o)) {
    n++;
    if (o.format === 'csv') yield csvRow(d);
    else if (o.format === 'raven') yield ravenRow(d, n, { origin: o.from, ...(o.ravenBand ? { band: o.ravenBand } : {}) });
    else yield JSON.stringify(d);
  }
}
