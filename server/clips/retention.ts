// Keeps the clip folder within an age limit and a disk budget. Over budget, the clips deleted
// first are those ranked lowest within their own species (then the least confident, then the
// oldest), so the best clips of every species — rare ones included — are the last to go.
import { readdirSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { INDEX_FILE, readClipIndex, writeClipIndex, type ClipEntry } from './clip-index.ts';

export interface ClipRetentionOptions {
  /** Delete clips whose detection started longer ago than this. */
  readonly maxAgeDays?: number;
  /** Total bytes of clips to keep at most. */
  readonly maxBytes?: number;
  readonly now?: number;
}

export interface ClipRetentionResult {
  readonly deleted: number;
  readonly freedBytes: number;
  readonly keptBytes: number;
  readonly kept: number;
}

function walk(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, out);
    else if (n.endsWith('.wav')) out.push(p);
  }
}

/** Everything .wav under root, described by the index where it knows the file. */
function inventory(root: string): ClipEntry[] {
  const index = readClipIndex(root);
  const files: string[] = [];
  walk(root, files);
  return files.map((p) => {
    const rel = relative(root, p).split(sep).join('/');
    const st = statSync(p);
    const known = index.get(rel);
    if (known) return { ...known, bytes: st.size };
    // Not indexed (copied in by hand, index lost): species from the name, no confidence.
    const species = /_([^_/]+)\.wav$/.exec(rel)?.[1] ?? 'unknown';
    return { rel, station: rel.split('/')[0], species, confidence: 0, start: st.mtimeMs, bytes: st.size };
  });
}

/** Which clips to delete (pure; exported for tests). */
export function chooseDeletions(clips: readonly ClipEntry[], opts: ClipRetentionOptions): Set<string> {
  const now = opts.now ?? Date.now();
  const del = new Set<string>();
  if (opts.maxAgeDays !== undefined) {
    const cut = now - opts.maxAgeDays * 86_400_000;
    for (const c of clips) if (c.start < cut) del.add(c.rel);
  }
  if (opts.maxBytes !== undefined) {
    const live = clips.filter((c) => !del.has(c.rel));
    let total = live.reduce((n, c) => n + c.bytes, 0);
    if (total > opts.maxBytes) {
      const bySpecies = new Map<string, ClipEntry[]>();
      for (const c of live) {
        let a = bySpecies.get(c.species);
        if (!a) bySpecies.set(c.species, (a = []));
        a.push(c);
      }
      const rank = new Map<string, number>();
      for (const a of bySpecies.values()) {
        a.sort((x, y) => y.confidence - x.confidence || y.start - x.start);
        a.forEach((c, i) => rank.set(c.rel, i));
      }
      const order = [...live].sort((x, y) => (rank.get(y.rel)! - rank.get(x.rel)!) || x.confidence - y.confidence || x.start - y.start);
      for (const c of order) {
        if (total <= opts.maxBytes) break;
        del.add(c.rel);
        total -= c.bytes;
      }
    }
  }
  return del;
}

function pruneEmptyDirs(root: string, dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    try {
      if (statSync(p).isDirectory()) pruneEmptyDirs(root, p);
    } catch { /* gone */ }
  }
  if (dir !== root) {
    try { rmdirSync(dir); } catch { /* not empty */ }
  }
}

export function enforceClipRetention(root: string, opts: ClipRetentionOptions): ClipRetentionResult {
  const clips = inventory(root);
  const del = chooseDeletions(clips, opts);
  let freed = 0;
  const kept: ClipEntry[] = [];
  for (const c of clips) {
    if (del.has(c.rel)) {
      try {
        unlinkSync(join(root, c.rel));
        freed += c.bytes;
      } catch { /* already gone */ }
    } else kept.push(c);
  }
  if (del.size > 0 || kept.length !== readClipIndex(root).size) {
    writeClipIndex(root, kept);
    pruneEmptyDirs(root, root);
  }
  void INDEX_FILE;
  return { deleted: del.size, freedBytes: freed, kept: kept.length, keptBytes: kept.reduce((n, c) => n + c.bytes, 0) };
}
