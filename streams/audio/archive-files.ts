// Which files an archive replay plays, and in what order: the audio files of a folder (not its
// subfolders) sorted by the start time in their names, else by modification time, then by name.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseFileTimestamp } from '../sources/timestamp.ts';

export interface ArchiveFile {
  readonly path: string;
  /** Start time from the file name, epoch ms; null when the name carries none. */
  readonly stamp: number | null;
  readonly mtimeMs: number;
}

// WAV/FLAC decode in-process; the rest are audio-only containers ffmpeg decodes (read.ts). Video
// containers (.mp4 .mkv .webm) stay out: a camera clip left in a recording folder is not a recording.
const AUDIO_EXT = new Set([
  '.wav', '.wave', '.bwf', '.rf64', '.flac',
  '.mp3', '.ogg', '.oga', '.opus', '.m4a', '.aac', '.aif', '.aiff', '.aifc', '.caf', '.wv', '.mka',
]);

/** True for names a folder replay picks up (the content decides the decoder later). */
export function isAudioFileName(name: string): boolean {
  return AUDIO_EXT.has(extname(name).toLowerCase());
}

/**
 * The files to replay. A file path is played whatever its extension; a folder contributes its
 * audio files. Throws (a plain Error naming the path) when the path cannot be read.
 */
export async function listArchive(path: string): Promise<ArchiveFile[]> {
  const unreadable = (e: unknown): Error =>
    new Error(`archive ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw unreadable(e);
  }
  if (st.isFile()) return [{ path, stamp: parseFileTimestamp(path)?.t0 ?? null, mtimeMs: st.mtimeMs }];
  if (!st.isDirectory()) throw new Error(`archive ${path}: neither a file nor a folder`);
  let names: string[];
  try {
    names = await readdir(path);
  } catch (e) {
    throw unreadable(e); // removed between stat and readdir (a folder being watched can vanish)
  }
  const files: ArchiveFile[] = [];
  for (const name of names) {
    // Dotfiles are editor/OS debris (macOS "._x.wav" resource forks), not recordings.
    if (name.startsWith('.') || !isAudioFileName(name)) continue;
    const p = join(path, name);
    try {
      const s = await stat(p);
      if (!s.isFile()) continue;
      files.push({ path: p, stamp: parseFileTimestamp(name)?.t0 ?? null, mtimeMs: s.mtimeMs });
    } catch {
      // Vanished between readdir and stat: nothing to play.
    }
  }
  return sortArchive(files);
}

/** Time order: name stamp, else mtime; ties broken by path so the order is deterministic. */
export function sortArchive(files: readonly ArchiveFile[]): ArchiveFile[] {
  return [...files].sort((a, b) => (a.stamp ?? a.mtimeMs) - (b.stamp ?? b.mtimeMs) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
