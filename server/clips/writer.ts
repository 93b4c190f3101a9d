// What the monitor opens: a ClipWriter with the config's folder, rolls and retention, shaped as
// the monitor's ClipSink (onChunk / onDetection / close). Retention runs at open, every
// `retentionEvery` clips and hourly; problems (full disk, read-only folder) are reported once.
import { mkdirSync } from 'node:fs';
import type { Detection, PcmChunk } from '../../streams/types.ts';
import { ClipWriter, type ClipProblem, type ClipStats } from './clip-writer.ts';
import type { ClipRetentionResult } from './retention.ts';

export interface OpenClipWriterOptions {
  readonly dir: string;
  readonly preRollS?: number;
  readonly postRollS?: number;
  readonly maxAgeDays?: number;
  readonly maxBytes?: number;
  readonly format?: 'pcm16' | 'float32';
  /** Seconds of audio kept per station for pre-roll and late detections (default rolls + 60 s). */
  readonly bufferS?: number;
  /** Default: one line on stderr per change (failing / recovered). */
  readonly onProblem?: (p: ClipProblem) => void;
}

export interface ClipSinkHandle {
  onChunk(c: PcmChunk): void;
  onDetection(d: Detection): Promise<Detection>;
  stats(): ClipStats;
  enforceRetention(): ClipRetentionResult | undefined;
  close(): Promise<void>;
}

export function openClipWriter(o: OpenClipWriterOptions): ClipSinkHandle {
  const onProblem = o.onProblem ?? ((p: ClipProblem) => {
    process.stderr.write(p.type === 'recovered' ? `hydromon: clips are being saved again in ${o.dir}\n` : `hydromon: ${p.message}\n`);
  });
  try {
    mkdirSync(o.dir, { recursive: true });
  } catch {
    // Reported by the first clip that cannot be saved (once), with the reason.
  }
  const hasRetention = o.maxAgeDays !== undefined || o.maxBytes !== undefined;
  const w = new ClipWriter({
    root: o.dir,
    ...(o.preRollS !== undefined ? { preRollS: o.preRollS } : {}),
    ...(o.postRollS !== undefined ? { postRollS: o.postRollS } : {}),
    ...(o.format ? { format: o.format } : {}),
    ...(o.bufferS !== undefined ? { bufferS: o.bufferS } : {}),
    ...(hasRetention ? { retention: { maxAgeDays: o.maxAgeDays, maxBytes: o.maxBytes } } : {}),
    // A sweep lists the whole folder (synchronously): every 1000 clips plus hourly keeps it rare.
    retentionEvery: 1000,
    onProblem,
  });
  const sweep = (): void => {
    try { w.enforceRetention(); } catch { /* the folder may be unusable; clips report that */ }
  };
  let timer: NodeJS.Timeout | undefined;
  if (hasRetention) {
    sweep();
    timer = setInterval(sweep, 3_600_000);
    timer.unref();
  }
  return {
    onChunk: (c) => w.pushChunk(c),
    onDetection: (d) => w.addDetection(d),
    stats: () => w.stats(),
    enforceRetention: () => w.enforceRetention(),
    async close() {
      clearInterval(timer);
      await w.close();
    },
  };
}
