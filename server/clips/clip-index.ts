// <clips>/index.jsonl: one line per saved clip {rel, station, species, confidence, start, bytes},
// so retention can keep the best clips of each species without opening the WAV files.
// Append-only; torn or foreign lines are skipped; retention rewrites it compacted (tmp + rename).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ClipEntry {
  readonly rel: string;
  readonly station: string;
  readonly species: string;
  readonly confidence: number;
  readonly start: number;
  readonly bytes: number;
}

export const INDEX_FILE = 'index.jsonl';

function isEntry(v: unknown): v is ClipEntry {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.rel === 'string' && typeof o.station === 'string' && typeof o.species === 'string'
    && typeof o.confidence === 'number' && typeof o.start === 'number' && typeof o.bytes === 'number';
}

export function appendClipEntry(root: string, e: ClipEntry): Promise<void> {
  return appendFile(join(root, INDEX_FILE), `${JSON.stringify(e)}\n`);
}

/** Entries by rel (last wins). */
export function readClipIndex(root: string): Map<string, ClipEntry> {
  const out = new Map<string, ClipEntry>();
  const p = join(root, INDEX_FILE);
  if (!existsSync(p)) return out;
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isEntry(v)) out.set(v.rel, v);
    } catch { /* torn line */ }
  }
  return out;
}

export function writeClipIndex(root: string, entries: Iterable<ClipEntry>): void {
  const p = join(root, INDEX_FILE);
  const lines = [...entries].map((e) => JSON.stringify(e)).join('\n');
  writeFileSync(`${p}.tmp`, lines.length ? `${lines}\n` : '');
  renameSync(`${p}.tmp`, p);
}
