// <dir>/manifest.csv in the format `hydromon train` reads: one row per clip, paths relative to the
// manifest's folder. Written atomically (tmp + rename) so a reader never sees half a file.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { csvLine, parseCsv } from './csv.ts';

export const MANIFEST_COLUMNS = ['path', 'species', 'tape_id', 'sample_rate', 'duration_s', 'recorded', 'location'] as const;

export interface ManifestRow {
  readonly path: string;
  readonly species: string;
  readonly tape_id: string;
  readonly sample_rate: number;
  readonly duration_s: number;
  readonly recorded: string;
  readonly location: string;
}

export function formatManifest(rows: readonly ManifestRow[]): string {
  const lines = [MANIFEST_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(csvLine([r.path, r.species, r.tape_id, r.sample_rate, Number(r.duration_s.toFixed(4)), r.recorded, r.location]));
  }
  return `${lines.join('\n')}\n`;
}

/** Rows of an existing manifest (empty when absent). @throws Error naming the file if its header is not ours. */
export async function readManifest(file: string): Promise<ManifestRow[]> {
  let txt: string;
  try {
    txt = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const [header, ...rows] = parseCsv(txt);
  if (header === undefined) return [];
  const idx = MANIFEST_COLUMNS.map((c) => header.indexOf(c));
  if (idx.some((i) => i < 0)) {
    throw new Error(`${file}: not a hydromon manifest (header must contain ${MANIFEST_COLUMNS.join(',')})`);
  }
  return rows
    .filter((r) => r.length >= header.length && r[idx[0]] !== '')
    .map((r) => ({
      path: r[idx[0]],
      species: r[idx[1]],
      tape_id: r[idx[2]],
      sample_rate: Number(r[idx[3]]),
      duration_s: Number(r[idx[4]]),
      recorded: r[idx[5]],
      location: r[idx[6]],
    }));
}

export async function writeManifest(file: string, rows: readonly ManifestRow[]): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, formatManifest(rows));
  await rename(tmp, file);
}
