// Saves every detection's audio as a WAV clip with pre- and post-roll. It holds a short ring of
// each station's recent chunks; a detection waits until its post-roll has been heard (or until
// maxWaitS of wall time passed, e.g. the station went down), then its clip is written and the
// detection comes back with `clip` set. A clip folder that is full, read-only or missing is
// reported once (not per detection) and detections carry on without clips; writing is retried
// after retryAfterS.
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { encodeWav } from '../../streams/audio/wav-write.ts';
import type { Detection, PcmChunk } from '../../streams/types.ts';
import { appendClipEntry } from './clip-index.ts';
import { clipRelPath } from './clip-name.ts';
import { resolveClipPath } from './resolve-path.ts';
import { enforceClipRetention, type ClipRetentionOptions, type ClipRetentionResult } from './retention.ts';
import { ChunkRing } from './ring-buffer.ts';

export interface ClipWriterOptions {
  /** The clip folder. */
  readonly root: string;
  readonly preRollS?: number;
  readonly postRollS?: number;
  /** Wall-clock limit on waiting for the post-roll (default 30 s). */
  readonly maxWaitS?: number;
  /** Audio kept per station (default: pre + post roll + 60 s of detection). */
  readonly bufferS?: number;
  /** 'pcm16' (default, half the disk) or 'float32' (exact samples). */
  readonly format?: 'pcm16' | 'float32';
  /** After a failed write, try again only after this long (default 60 s). */
  readonly retryAfterS?: number;
  /** Age / disk budget; applied after every `retentionEvery` clips and by enforceRetention(). */
  readonly retention?: ClipRetentionOptions;
  readonly retentionEvery?: number;
  /** Told once when clips start failing, and once when they work again. */
  readonly onProblem?: (p: ClipProblem) => void;
}

export type ClipProblem =
  | { readonly type: 'failing'; readonly message: string; readonly code?: string }
  | { readonly type: 'recovered' }
  /** A detection arrived after its audio left the buffer (told once). */
  | { readonly type: 'late'; readonly message: string };

interface Pending {
  readonly d: Detection;
  readonly resolve: (d: Detection) => void;
  readonly timer: NodeJS.Timeout;
}

export interface ClipStats {
  readonly written: number;
  readonly skipped: number;
  readonly failed: number;
  readonly pending: number;
}

export class ClipWriter {
  private readonly rings = new Map<string, ChunkRing>();
  private readonly pending = new Map<string, Pending[]>();
  private readonly pre: number;
  private readonly post: number;
  private failingSince: number | undefined;
  private counts = { written: 0, skipped: 0, failed: 0 };
  private sinceRetention = 0;
  private toldLate = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ClipWriterOptions) {
    this.pre = (opts.preRollS ?? 2) * 1000;
    this.post = (opts.postRollS ?? 2) * 1000;
  }

  stats(): ClipStats {
    let pending = 0;
    for (const p of this.pending.values()) pending += p.length;
    return { ...this.counts, pending };
  }

  pushChunk(c: PcmChunk): void {
    let ring = this.rings.get(c.station);
    if (!ring) {
      const keep = this.opts.bufferS !== undefined ? this.opts.bufferS * 1000 : this.pre + this.post + 60_000;
      // The ring keeps what the clips will hold: 16-bit for pcm16 clips (half the memory of float32).
      this.rings.set(c.station, (ring = new ChunkRing(keep, this.opts.format ?? 'pcm16')));
    }
    ring.push(c);
    const waiting = this.pending.get(c.station);
    if (!waiting) return;
    const ready = waiting.filter((p) => p.d.end + this.post <= ring.end);
    if (ready.length === 0) return;
    this.pending.set(c.station, waiting.filter((p) => !ready.includes(p)));
    for (const p of ready) this.finish(p);
  }

  /** Resolves with the detection, with `clip` set when its clip was saved. Never rejects. */
  addDetection(d: Detection): Promise<Detection> {
    return new Promise((resolve) => {
      const ring = this.rings.get(d.station);
      const timer = setTimeout(() => this.expire(d.station, p), (this.opts.maxWaitS ?? 30) * 1000);
      timer.unref();
      const p: Pending = { d, resolve, timer };
      if (ring && d.end + this.post <= ring.end) {
        this.finish(p);
        return;
      }
      let a = this.pending.get(d.station);
      if (!a) this.pending.set(d.station, (a = []));
      a.push(p);
    });
  }

  private expire(station: string, p: Pending): void {
    const a = this.pending.get(station);
    if (!a || !a.includes(p)) return;
    this.pending.set(station, a.filter((x) => x !== p));
    this.finish(p);
  }

  /** Write every waiting clip with the audio there is (a replay ended, the monitor stops). */
  async flush(): Promise<void> {
    const all = [...this.pending.values()].flat();
    this.pending.clear();
    for (const p of all) this.finish(p);
    await this.chain;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  enforceRetention(): ClipRetentionResult | undefined {
    if (!this.opts.retention) return undefined;
    return enforceClipRetention(this.opts.root, this.opts.retention);
  }

  private finish(p: Pending): void {
    clearTimeout(p.timer);
    // One write at a time: keeps the index and retention consistent and the disk unhurried.
    const job = this.chain.then(() => this.write(p.d)).then(p.resolve, () => p.resolve(p.d));
    this.chain = job;
  }

  private async write(d: Detection): Promise<Detection> {
    if (this.failingSince !== undefined && Date.now() - this.failingSince < (this.opts.retryAfterS ?? 60) * 1000) {
      this.counts.skipped++;
      return d;
    }
    const slice = this.rings.get(d.station)?.slice(d.start - this.pre, d.end + this.post);
    if (!slice) {
      this.counts.skipped++; // audio already gone (or never heard): nothing to save
      const ring = this.rings.get(d.station);
      if (ring && d.end < ring.start && !this.toldLate) {
        this.toldLate = true;
        this.opts.onProblem?.({ type: 'late', message: `clip of ${d.station} at ${new Date(d.start).toISOString()} skipped: the detection came ${((ring.end - d.end) / 1000).toFixed(1)} s after its audio, more than the ${((ring.end - ring.start) / 1000).toFixed(0)} s kept; raise the clip buffer (bufferS)` });
      }
      return d;
    }
    const rel = clipRelPath(d.station, d.start, d.species);
    let bytes: Uint8Array;
    try {
      bytes = encodeWav(slice.samples, slice.sampleRate, { format: this.opts.format ?? 'pcm16' });
    } catch {
      this.counts.skipped++;
      return d;
    }
    const abs = resolveClipPath(this.opts.root, rel);
    const tmp = `${abs}.tmp`;
    try {
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(tmp, bytes);
      await rename(tmp, abs); // never a half-written clip under the real name
      await appendClipEntry(this.opts.root, { rel, station: d.station, species: d.species, confidence: d.confidence, start: d.start, bytes: bytes.length });
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      this.counts.failed++;
      if (this.failingSince === undefined) {
        const e = err as NodeJS.ErrnoException;
        const why = e.code === 'ENOSPC' ? 'the disk is full' : e.code === 'EROFS' ? 'the folder is read-only'
          : e.code === 'EACCES' || e.code === 'EPERM' ? 'no permission to write there' : e.message;
        this.opts.onProblem?.({ type: 'failing', message: `cannot save clips in ${this.opts.root}: ${why}; detections continue without clips`, ...(e.code ? { code: e.code } : {}) });
      }
      this.failingSince = Date.now();
      return d;
    }
    if (this.failingSince !== undefined) {
      this.failingSince = undefined;
      this.opts.onProblem?.({ type: 'recovered' });
    }
    this.counts.written++;
    if (this.opts.retention && ++this.sinceRetention >= (this.opts.retentionEvery ?? 100)) {
      this.sinceRetention = 0;
      try { this.enforceRetention(); } catch { /* retried next time */ }
    }
    return { ...d, clip: rel };
  }
}

export function createClipWriter(opts: ClipWriterOptions): ClipWriter {
  return new ClipWriter(opts);
}
