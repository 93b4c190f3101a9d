// An archive folder with no recordings yet is not a fault: a fresh install's ./archive is empty
// until the operator drops files in. The replay waits, polling the folder, and starts once files
// are there. A listing that shows new files is checked again a moment later and used only when
// it has not changed, so a file still being copied in is not opened half-written.
// A folder that disappears (or cannot be read) while waiting is still an error naming it.
import { listArchive, type ArchiveFile } from '../audio/archive-files.ts';

export interface WaitForFilesOptions {
  readonly path: string;
  /** Between listings while the folder has no audio files, ms. */
  readonly pollMs: number;
  /** Cancellable sleep (resolves early when the replay stops). */
  readonly sleep: (ms: number) => Promise<void>;
  readonly stopped: () => boolean;
}

const same = (a: readonly ArchiveFile[], b: readonly ArchiveFile[]): boolean =>
  a.length === b.length && a.every((f, i) => f.path === b[i].path && f.mtimeMs === b[i].mtimeMs);

/** The folder's files once there are some and they have settled; null when stopped first. */
export async function waitForFiles(o: WaitForFilesOptions): Promise<ArchiveFile[] | null> {
  const settleMs = Math.min(o.pollMs, 1000);
  let seen: ArchiveFile[] | null = null;
  while (!o.stopped()) {
    await o.sleep(seen ? settleMs : o.pollMs);
    if (o.stopped()) return null;
    const files = await listArchive(o.path);
    if (files.length === 0) {
      seen = null;
      continue;
    }
    if (seen && same(seen, files)) return files;
    seen = files;
  }
  return null;
}
