// Completed files, one JSON line each, appended as files finish, so a rerun can trust a file by
// size + checksum without asking the server. A torn last line (crash mid-append) is ignored.
import { appendFile, readFile } from 'node:fs/promises';

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

  async add(rec: DoneRecord): Promise<void> {
    this.records.set(rec.path, rec);
    await appendFile(this.file, `${JSON.stringify(rec)}\n`);
  }
}
