// Continuous recordings with annotated calls (Raven-like tables: filename,start,end[,freq_min,
// freq_max,label]) and plain background recordings. Training cuts windows from both: the annotated
// calls, and call-free stretches as the background class.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseCsvRecords } from './csv.ts';

export interface Annotation {
  readonly startS: number;
  readonly endS: number;
}

export interface ContinuousRecording {
  readonly path: string;
  /** Species of the annotated calls; null for background recordings (no calls at all). */
  readonly species: string | null;
  readonly calls: readonly Annotation[];
}

/**
 * Reads an annotation table; recordings are looked up next to it and in its sub-folders by file
 * name. Every recording named in the table is returned with its calls (sorted by start).
 */
export function readAnnotatedRecordings(tablePath: string, species: string): ContinuousRecording[] {
  const recs = parseCsvRecords(readFileSync(tablePath, 'utf8'), `annotations ${tablePath}`);
  if (recs.length > 0 && !('filename' in recs[0] && 'start' in recs[0] && 'end' in recs[0])) {
    throw new Error(`annotations ${tablePath}: header must have filename, start, end`);
  }
  const root = dirname(resolve(tablePath));
  const byName = new Map<string, Annotation[]>();
  recs.forEach((r, i) => {
    const s = Number(r.start), e = Number(r.end);
    if (!r.filename || !Number.isFinite(s) || !Number.isFinite(e) || e < s) {
      throw new Error(`annotations ${tablePath}: row ${i + 2} has a bad filename/start/end`);
    }
    const list = byName.get(r.filename) ?? [];
    list.push({ startS: s, endS: e });
    byName.set(r.filename, list);
  });
  const out: ContinuousRecording[] = [];
  for (const [name, calls] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    const path = findFile(root, name);
    if (!path) throw new Error(`annotations ${tablePath}: recording ${name} not found under ${root}`);
    out.push({ path, species, calls: calls.sort((a, b) => a.startS - b.startS) });
  }
  return out;
}

function findFile(root: string, name: string): string | null {
  const direct = join(root, name);
  if (existsSync(direct)) return direct;
  for (const d of readdirSync(root)) {
    const p = join(root, d, name);
    if (statSync(join(root, d)).isDirectory() && existsSync(p)) return p;
  }
  return null;
}

/** Background recordings: a WAV file, or every .wav in a folder (sorted). */
export function readBackgroundRecordings(pathOrDir: string): ContinuousRecording[] {
  const p = resolve(pathOrDir);
  if (!existsSync(p)) throw new Error(`background ${pathOrDir}: not found`);
  const files = statSync(p).isDirectory()
    ? readdirSync(p).filter((f) => f.toLowerCase().endsWith('.wav')).sort().map((f) => join(p, f))
    : [p];
  if (files.length === 0) throw new Error(`background ${pathOrDir}: no .wav files`);
  return files.map((path) => ({ path, species: null, calls: [] }));
}

export function recordingName(r: ContinuousRecording): string {
  return basename(r.path);
}
