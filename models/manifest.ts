// Manifests: CSV tables `path,species[,tape_id,…]` naming labelled clips. Several are merged.
// Paths are relative to the manifest's folder; the shared data's manifests write them relative to
// the data root (one level up), so that is tried second, and the clip must exist either way.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { parseCsvRecords } from './csv.ts';

export interface Clip {
  /** Absolute path of the audio file. */
  readonly path: string;
  readonly species: string;
  /** Recording group: clips with the same group never sit on both sides of a split. */
  readonly group: string;
  /** The manifest the clip came from. */
  readonly manifest: string;
  /**
   * The file's path relative to its manifest's folder, '/'-separated: the same wherever the data
   * sits, so per-clip seeds (augmentation) and the fallback group do not depend on the install path.
   */
  readonly key: string;
}

function resolveClipPath(manifestPath: string, rel: string): string {
  if (isAbsolute(rel)) return rel;
  const dir = dirname(resolve(manifestPath));
  const first = resolve(dir, rel);
  if (existsSync(first)) return first;
  const second = resolve(dir, '..', rel);
  return existsSync(second) ? second : first;
}

/**
 * Reads one manifest. The group is `tape_id` (several tapes joined by '|' are merged by the split),
 * else `recording`, else the file itself. Throws naming the manifest and the row on bad input.
 */
export function readManifest(manifestPath: string): Clip[] {
  let text: string;
  try {
    text = readFileSync(manifestPath, 'utf8');
  } catch (err) {
    throw new Error(`manifest ${manifestPath}: cannot read (${(err as Error).message})`);
  }
  const recs = parseCsvRecords(text, `manifest ${manifestPath}`);
  if (recs.length > 0 && (!('path' in recs[0]) || !('species' in recs[0]))) {
    throw new Error(`manifest ${manifestPath}: header must have 'path' and 'species' columns`);
  }
  return recs.map((r, i) => {
    if (!r.path || !r.species) throw new Error(`manifest ${manifestPath}: row ${i + 2} has an empty path or species`);
    const path = resolveClipPath(manifestPath, r.path);
    const key = relative(dirname(resolve(manifestPath)), path).split(sep).join('/');
    const group = r.tape_id || r.recording || key;
    return { path, species: r.species, group, manifest: resolve(manifestPath), key };
  });
}

/** Merges manifests in order; the same file listed twice is kept once. */
export function readManifests(paths: readonly string[]): Clip[] {
  const seen = new Set<string>();
  const out: Clip[] = [];
  for (const p of paths) {
    for (const c of readManifest(p)) {
      if (seen.has(c.path + '\u0000' + c.species)) continue;
      seen.add(c.path + '\u0000' + c.species);
      out.push(c);
    }
  }
  return out;
}

/** Checks every clip file exists; returns the missing ones (callers decide to fail or skip). */
export function missingClips(clips: readonly Clip[]): Clip[] {
  return clips.filter((c) => !existsSync(c.path));
}
