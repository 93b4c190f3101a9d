import type { Detection } from './types.ts';

export interface FeedFilter {
  /** '' = all species. */
  readonly species: string;
  readonly minConfidence: number;
  /** '' = all stations. */
  readonly station?: string;
}

export function filterDetections(ds: readonly Detection[], f: FeedFilter): Detection[] {
  return ds.filter((d) => (f.species === '' || d.species === f.species)
    && d.confidence >= f.minConfidence
    && (!f.station || d.station === f.station));
}

/** Sorted distinct species names. */
export function speciesOf(ds: readonly Detection[]): string[] {
  return [...new Set(ds.map((d) => d.species))].sort();
}

/** Merge `incoming` into `list` (newest first by start, no duplicate ids), at most `cap` long. */
export function mergeDetections(list: readonly Detection[], incoming: readonly Detection[], cap = 500): Detection[] {
  const byId = new Map<string, Detection>();
  for (const d of list) byId.set(d.id, d);
  for (const d of incoming) byId.set(d.id, d);
  return [...byId.values()].sort((a, b) => b.start - a.start).slice(0, cap);
}
