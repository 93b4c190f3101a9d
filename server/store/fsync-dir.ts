// A new file's directory entry is only durable once the directory itself is fsync'd; without
// this, a power cut right after creating a day file or spool segment could lose the whole file.
import { open } from 'node:fs/promises';

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // Some file systems refuse fsync on directories; the data itself is still synced.
  } finally {
    await fh.close();
  }
}
