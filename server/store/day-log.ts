// One kind of record in append-only JSON-lines files, one file per UTC day:
// <dir>/<YYYY-MM-DD>.jsonl. Appends are fsync'd per batch. Readers take complete lines only and
// skip lines that do not parse, so a line torn by a crash (or a disk that filled mid-write) costs
// that one record, never the file. Before this process first appends to a file whose last byte is
// not a newline, it writes one, so a torn fragment is never glued to the next record.
// Files are read incrementally (from the last offset read), so another process (the exporter)
// can read while the monitor writes.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './fsync-dir.ts';

const DAY_MS = 86_400_000;
const FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

export function dayOf(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

interface Loaded<T> {
  offset: number;
  readonly byKey: Map<string, T>;
  used: number;
}

export interface DayLogOptions<T> {
  readonly dir: string;
  /** Records with the same key replace each other (last wins): re-sent detections do not duplicate. */
  readonly key: (r: T) => string;
  /** Turns a parsed JSON value into a record, or undefined to skip it. */
  readonly parse: (v: unknown) => T | undefined;
  /** Days kept parsed in memory (least recently used are dropped). */
  readonly cacheDays?: number;
}

export class DayLog<T> {
  private readonly cache = new Map<string, Loaded<T>>();
  private readonly checkedTail = new Set<string>();
  private tick = 0;
  /** Lines that did not parse (torn or foreign), over every read. */
  skipped = 0;

  constructor(private readonly opts: DayLogOptions<T>) {
    mkdirSync(opts.dir, { recursive: true });
  }

  private path(day: string): string {
    return join(this.opts.dir, `${day}.jsonl`);
  }

  /** Append records grouped by day; resolves once they are on disk. */
  async append(records: readonly { readonly day: string; readonly record: T }[]): Promise<void> {
    const byDay = new Map<string, string[]>();
    for (const { day, record } of records) {
      let a = byDay.get(day);
      if (!a) byDay.set(day, (a = []));
      a.push(JSON.stringify(record));
    }
    for (const [day, lines] of byDay) {
      const fh = await open(this.path(day), 'a+');
      try {
        let prefix = '';
        let created = false;
        if (!this.checkedTail.has(day)) {
          const { size } = await fh.stat();
          created = size === 0;
          if (size > 0) {
            const last = Buffer.alloc(1);
            await fh.read(last, 0, 1, size - 1);
            if (last[0] !== 10) prefix = '\n';
          }
          this.checkedTail.add(day);
        }
        await fh.write(`${prefix}${lines.join('\n')}\n`);
        await fh.datasync();
        if (created) await fsyncDir(this.opts.dir);
      } finally {
        await fh.close();
      }
    }
  }

  /** Every record of `day` (deduplicated by key), reading only what was appended since last time. */
  async day(day: string): Promise<Map<string, T>> {
    let l = this.cache.get(day);
    if (!l) {
      l = { offset: 0, byKey: new Map(), used: 0 };
      this.cache.set(day, l);
      this.evict();
    }
    l.used = ++this.tick;
    const p = this.path(day);
    let size: number;
    try {
      size = (await stat(p)).size;
    } catch {
      return l.byKey;
    }
    if (size < l.offset) {
      l.offset = 0; // replaced or truncated by hand: read again
      l.byKey.clear();
    }
    if (size === l.offset) return l.byKey;
    const fh = await open(p, 'r');
    try {
      const buf = Buffer.alloc(size - l.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, l.offset);
      const end = buf.lastIndexOf(10, bytesRead - 1);
      if (end < 0) return l.byKey; // nothing complete yet
      const text = buf.toString('utf8', 0, end);
      for (const line of text.split('\n')) {
        if (line.length === 0) continue;
        let v: unknown;
        try {
          v = JSON.parse(line);
        } catch {
          this.skipped++;
          continue;
        }
        const r = this.opts.parse(v);
        if (r === undefined) {
          this.skipped++;
          continue;
        }
        l.byKey.set(this.opts.key(r), r);
      }
      l.offset += end + 1;
    } finally {
      await fh.close();
    }
    return l.byKey;
  }

  /** Days that have a file, ascending. */
  days(): string[] {
    return readdirSync(this.opts.dir)
      .map((f) => FILE.exec(f)?.[1])
      .filter((d): d is string => d !== undefined)
      .sort();
  }

  /** Days with a file that overlap [from, to) epoch ms, ascending. Reads the folder, so an open
   *  range (from 0, to the far future) costs one listing, not one look-up per day. */
  daysIn(from: number, to: number): string[] {
    if (Number.isNaN(from) || Number.isNaN(to)) throw new RangeError('query: from/to must be epoch ms');
    const a = Number.isFinite(from) ? dayOf(Math.max(from, -8.64e15)) : '0000-00-00';
    const b = Number.isFinite(to) ? dayOf(Math.min(to - 1, 8.64e15)) : '9999-99-99';
    return to > from ? this.days().filter((d) => d >= a && d <= b) : [];
  }

  /** Delete files of days before `day`. Returns how many. */
  dropBefore(day: string): number {
    let n = 0;
    for (const d of this.days()) {
      if (d >= day) break;
      rmSync(this.path(d), { force: true });
      this.cache.delete(d);
      n++;
    }
    return n;
  }

  private evict(): void {
    const max = this.opts.cacheDays ?? 62;
    while (this.cache.size > max) {
      let oldest: string | undefined;
      let used = Infinity;
      for (const [d, l] of this.cache) if (l.used < used) { used = l.used; oldest = d; }
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}
