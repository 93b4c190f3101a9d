// Turn the server's hourly counts into stacked bars: one bucket per hour of the range, a count per species.
import type { HourlyCount } from './types.ts';

export const HOUR = 3_600_000;

export interface HourBucket {
  readonly hour: number;
  readonly total: number;
  /** Species → count, in the `species` order of the series. */
  readonly counts: ReadonlyMap<string, number>;
}

export interface HourlySeries {
  readonly species: string[];
  readonly buckets: HourBucket[];
  readonly max: number;
}

export function hourlySeries(rows: readonly HourlyCount[], from: number, to: number): HourlySeries {
  const first = Math.floor(from / HOUR) * HOUR;
  const n = Math.max(1, Math.ceil((to - first) / HOUR));
  const maps: Map<string, number>[] = Array.from({ length: n }, () => new Map());
  const species = new Set<string>();
  for (const r of rows) {
    const i = Math.floor((r.hour - first) / HOUR);
    if (i < 0 || i >= n) continue;
    species.add(r.species);
    maps[i].set(r.species, (maps[i].get(r.species) ?? 0) + r.count);
  }
  const buckets = maps.map((counts, i) => ({ hour: first + i * HOUR, counts, total: [...counts.values()].reduce((a, b) => a + b, 0) }));
  return { species: [...species].sort(), buckets, max: buckets.reduce((m, b) => Math.max(m, b.total), 0) };
}
