// Nothing lost: a DetectionStore wrapper that writes through to InfluxDB while it answers and to a
// durable on-disk spool (line protocol, fsync'd per batch) while it is down or slow. The spool is
// drained in order as soon as the server answers again; while anything is spooled, new points join
// the spool too, so the server sees them in the order they were made. A later process opening the
// same folder finds and drains what an earlier one left. Re-sent points cannot duplicate: a point's
// timestamp and tags derive from the detection id (line-protocol.ts), so a re-send overwrites itself.
import { readFileSync } from 'node:fs';
import { appendFile, open, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Detection, Encounter, StationStatus } from '../../streams/types.ts';
import { Batcher, type BatcherOptions } from './batcher.ts';
import { InfluxRejectedError, type LineSink } from './influx.ts';
import { detectionLine, encounterLine, healthLine } from './line-protocol.ts';
import {
  ackPath, completeLines, listSegments, lockSpool, readAck, removeSegment, segmentPath,
} from './spool-files.ts';
import { fsyncDir } from './fsync-dir.ts';
import { withTimeout } from './timeout.ts';
import type { DetectionQuery, DetectionStore, HealthQuery, HourlyCount } from './types.ts';

export interface SpoolOptions {
  readonly dir: string;
  /** Batching in front of server and spool (default 1000 points or 200 ms). */
  readonly batch?: Partial<BatcherOptions>;
  /** A direct write slower than this goes to the spool instead (default 5 s). */
  readonly writeTimeoutMs?: number;
  /** First and longest wait between drain attempts while the server is away. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** Points per request when draining (default 5000). */
  readonly drainChunk?: number;
  /** Start a new spool file after this many bytes (default 16 MiB), so drains read bounded files. */
  readonly maxSegmentBytes?: number;
  /** Told about outages, recoveries and refused points (once per change, not per point). */
  readonly onEvent?: (e: SpoolEvent) => void;
}

export type SpoolEvent =
  | { readonly type: 'spooling'; readonly error: string }
  | { readonly type: 'drained'; readonly lines: number }
  | { readonly type: 'rejected'; readonly lines: number; readonly error: string };

export interface SpoolStats {
  /** Points written to the spool file since open. */
  readonly spooled: number;
  /** Points replayed from the spool to the server since open. */
  readonly replayed: number;
  /** Points the server refused (in rejected.lp). */
  readonly rejected: number;
  /** Points on disk not yet acknowledged by the server (including those left by earlier runs). */
  readonly pending: number;
}

export interface SpooledStore extends DetectionStore {
  readonly dir: string;
  stats(): SpoolStats;
  /** Wait until the spool is empty (true) or `timeoutMs` passed (false). */
  drain(timeoutMs?: number): Promise<boolean>;
}

type Target = DetectionStore & LineSink;

interface Active {
  readonly seq: number;
  readonly fh: FileHandle;
  bytes: number;
}

class Spooled implements SpooledStore {
  private readonly batcher: Batcher<string>;
  private readonly unlock: () => void;
  private readonly segments: number[];
  private nextSeq: number;
  private active: Active | undefined;
  private lock: Promise<unknown> = Promise.resolve();
  private draining: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  private outage = false;
  private counts = { spooled: 0, replayed: 0, rejected: 0, pending: 0 };
  private readonly writeTimeoutMs: number;

  constructor(private readonly store: Target, private readonly opts: SpoolOptions) {
    this.unlock = lockSpool(opts.dir);
    this.segments = listSegments(opts.dir);
    this.nextSeq = (this.segments.at(-1) ?? 0) + 1;
    this.writeTimeoutMs = opts.writeTimeoutMs ?? 5000;
    this.batcher = new Batcher<string>((lines) => this.put(lines), {
      maxItems: opts.batch?.maxItems ?? 1000,
      maxDelayMs: opts.batch?.maxDelayMs ?? 200,
    });
    for (const seq of this.segments) {
      this.counts.pending += completeLines(readFileSync(segmentPath(opts.dir, seq)), readAck(opts.dir, seq)).lines.length;
    }
    if (this.segments.length > 0) this.kickDrain();
  }

  get dir(): string {
    return this.opts.dir;
  }

  stats(): SpoolStats {
    return { ...this.counts };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private backlog(): boolean {
    return this.segments.length > 0 || (this.active !== undefined && this.active.bytes > 0);
  }

  /** One batch: straight to the server when nothing waits on disk, else (or on failure) to disk. */
  private async put(lines: string[]): Promise<void> {
    if (!this.backlog()) {
      try {
        await this.send(lines, 'InfluxDB write');
        return;
      } catch (err) {
        if (!this.outage) {
          this.outage = true;
          this.opts.onEvent?.({ type: 'spooling', error: (err as Error).message });
        }
      }
    }
    await this.append(lines);
    this.kickDrain();
  }

  private append(lines: string[]): Promise<void> {
    return this.exclusive(async () => {
      const max = this.opts.maxSegmentBytes ?? 16 * 1024 * 1024;
      if (this.active && this.active.bytes >= max) await this.rotate();
      if (!this.active) {
        const seq = this.nextSeq++;
        this.active = { seq, fh: await open(segmentPath(this.opts.dir, seq), 'a'), bytes: 0 };
        await fsyncDir(this.opts.dir);
      }
      const data = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
      await this.active.fh.write(data);
      await this.active.fh.datasync();
      this.active.bytes += data.length;
      this.counts.spooled += lines.length;
      this.counts.pending += lines.length;
    });
  }

  /** Close the file being appended to and queue it for draining (caller holds the lock). */
  private async rotate(): Promise<void> {
    const a = this.active;
    if (!a) return;
    this.active = undefined;
    await a.fh.close();
    if (a.bytes > 0) this.segments.push(a.seq);
    else removeSegment(this.opts.dir, a.seq);
  }

  /**
   * Write lines; when the server refuses some of them (400: a field-type conflict, a point beyond
   * retention), halve and retry until the refused points are isolated and set aside. Re-sending the
   * good halves is harmless: points are idempotent. Throws only for the server being away.
   */
  private async send(lines: string[], what: string): Promise<void> {
    try {
      await withTimeout(this.store.writeLines(lines), this.writeTimeoutMs, what);
    } catch (err) {
      if (!(err instanceof InfluxRejectedError)) throw err;
      if (lines.length === 1) {
        await this.reject(lines, err);
        return;
      }
      const mid = lines.length >> 1;
      await this.send(lines.slice(0, mid), what);
      await this.send(lines.slice(mid), what);
    }
  }

  private async reject(lines: string[], err: Error): Promise<void> {
    await appendFile(join(this.opts.dir, 'rejected.lp'), `${lines.join('\n')}\n`);
    this.counts.rejected += lines.length;
    this.opts.onEvent?.({ type: 'rejected', lines: lines.length, error: err.message });
  }

  private kickDrain(): void {
    if (this.closed) return;
    if (this.draining) {
      this.wake?.();
      return;
    }
    this.draining = this.drainLoop().finally(() => {
      this.draining = undefined;
      // Lines appended between the loop's last look and now would otherwise wait for the next write.
      if (!this.closed && this.backlog()) this.kickDrain();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((res) => {
      const t = setTimeout(done, ms);
      function done(): void { clearTimeout(t); res(); }
      this.wake = done;
    });
  }

  private async drainLoop(): Promise<void> {
    let wait = this.opts.retryMs ?? 500;
    let sent = 0;
    while (!this.closed) {
      if (this.segments.length === 0) {
        const more = await this.exclusive(async () => {
          if (this.active && this.active.bytes > 0) {
            await this.rotate();
            return true;
          }
          return false;
        });
        if (!more) break;
        continue;
      }
      const seq = this.segments[0];
      try {
        sent += await this.drainSegment(seq);
        this.segments.shift();
        removeSegment(this.opts.dir, seq);
        wait = this.opts.retryMs ?? 500;
      } catch (err) {
        if (this.closed) break;
        await this.sleep(wait);
        wait = Math.min(wait * 2, this.opts.maxRetryMs ?? 10_000);
        void err;
      }
    }
    if (!this.closed && !this.backlog()) {
      if (this.outage || sent > 0) this.opts.onEvent?.({ type: 'drained', lines: sent });
      this.outage = false;
    }
  }

  /** Send one segment from its acknowledged offset on; returns the points sent. */
  private async drainSegment(seq: number): Promise<number> {
    const dir = this.opts.dir;
    let buf: Buffer;
    try {
      buf = await readFile(segmentPath(dir, seq));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0; // removed by hand: nothing to send
      throw err;
    }
    const { lines, ends } = completeLines(buf, readAck(dir, seq));
    const chunk = this.opts.drainChunk ?? 5000;
    let sent = 0;
    for (let i = 0; i < lines.length && !this.closed; i += chunk) {
      const part = lines.slice(i, i + chunk);
      const before = this.counts.rejected;
      await this.send(part, 'InfluxDB replay');
      this.counts.replayed += part.length - (this.counts.rejected - before);
      this.counts.pending = Math.max(0, this.counts.pending - part.length);
      sent += part.length;
      await writeFile(ackPath(dir, seq), String(ends[Math.min(i + chunk, lines.length) - 1]));
    }
    if (this.closed) throw new Error('closed while draining');
    return sent;
  }

  async drain(timeoutMs = 30_000): Promise<boolean> {
    await this.batcher.flush();
    const deadline = Date.now() + timeoutMs;
    while (this.backlog() || this.draining) {
      if (Date.now() >= deadline) return false;
      this.kickDrain();
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  writeDetections(detections: readonly Detection[]): Promise<void> {
    return this.batcher.add(detections.map(detectionLine));
  }

  writeHealth(statuses: readonly StationStatus[]): Promise<void> {
    return this.batcher.add(statuses.map(healthLine));
  }

  writeEncounters(encounters: readonly Encounter[]): Promise<void> {
    return this.batcher.add(encounters.map(encounterLine));
  }

  /** Queries see what the server holds: spooled points appear once drained. */
  queryDetections(q: DetectionQuery): Promise<Detection[]> {
    return this.store.queryDetections(q);
  }

  countsPerHour(q: Omit<DetectionQuery, 'limit' | 'offset' | 'minConfidence'>): Promise<HourlyCount[]> {
    return this.store.countsPerHour(q);
  }

  queryEncounters(q: DetectionQuery): Promise<Encounter[]> {
    return this.store.queryEncounters ? this.store.queryEncounters(q) : Promise.resolve([]);
  }

  queryHealth(q: HealthQuery): Promise<StationStatus[]> {
    return this.store.queryHealth ? this.store.queryHealth(q) : Promise.resolve([]);
  }

  /** Flush the batch (to the server or the spool), stop draining, release the folder. What is
   *  still spooled stays on disk for the next process. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.batcher.close();
    this.closed = true;
    this.wake?.();
    await this.draining;
    await this.exclusive(async () => {
      if (this.active) {
        await this.active.fh.close();
        if (this.active.bytes === 0) removeSegment(this.opts.dir, this.active.seq);
        this.active = undefined;
      }
    });
    this.unlock();
    await this.store.close();
  }
}

/** Wrap a line-protocol store so every write is durable on disk when the server is away. */
export function spooled(store: Target, opts: SpoolOptions | string): SpooledStore {
  return new Spooled(store, typeof opts === 'string' ? { dir: opts } : opts);
}
