// Completed files, one JSON line each, appended as files finish, so a rerun can trust a file by
// size + checksum without asking the server. A torn last line (crash mid-append) is ignored.
import { open, readFile, type FileHandle } from 'node:fs/promises';

export interface DoneRecord {
  /** Path relative to the output folder, '/'-separated. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

function isRecord(v: unknown): v is DoneRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.path === 'string' && typeof r.bytes === 'number' && typeof r.sha256 === 'string';
}

export class DoneLog {
  // The open promise, not the handle: concurrent first adds must share one open.
  private handle: Promise<FileHandle> | undefined;

  private constructor(
    private readonly file: string,
    private readonly records: Map<string, DoneRecord>,
  ) {}

  static async load(file: string): Promise<DoneLog> {
    const records = new Map<string, DoneRecord>();
    let txt = '';
    try {
      txt = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const line of txt.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const v: unknown = JSON.parse(line);
        if (isRecord(v)) records.set(v.path, v);
      } catch {
        // torn line from an interrupted append: that file will be re-checked
      }
    }
    return new DoneLog(file, records);
  }

  get(path: string): DoneRecord | undefined {
    return this.records.get(path);
  }

  /** Record a finished file (one append on a handle kept open: thousands of files, one open). */
  async add(rec: DoneRecord): Promise<void> {
    this.records.set(rec.path, rec);
    this.handle ??= open(this.file, 'a');
    await (await this.handle).write(`${JSON.stringify(rec)}\n`);
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h !== undefined) await (await h).close();
  }
}
