// The last few tens of seconds of one station's audio, so a clip can include the pre-roll that
// came before its detection. Chunks are kept as they arrive (no copying); a slice places each
// chunk by its own t0, so a gap in the stream becomes silence rather than shifting the audio.
import type { PcmChunk } from '../../streams/types.ts';

export interface AudioSlice {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Epoch ms of samples[0]. */
  readonly t0: number;
  /** Fraction of the slice that real samples covered (the rest is gap or not yet heard). */
  readonly coverage: number;
}

export const chunkEnd = (c: PcmChunk): number => c.t0 + (c.samples.length / c.sampleRate) * 1000;

export class ChunkRing {
  private chunks: PcmChunk[] = [];

  constructor(private readonly keepMs: number) {}

  push(c: PcmChunk): void {
    const last = this.chunks.at(-1);
    // A rate change or a clock jump backwards starts afresh: old chunks cannot be placed with new ones.
    if (last && (last.sampleRate !== c.sampleRate || c.t0 < last.t0)) this.chunks = [];
    this.chunks.push(c);
    const horizon = chunkEnd(c) - this.keepMs;
    let drop = 0;
    while (drop < this.chunks.length - 1 && chunkEnd(this.chunks[drop]) < horizon) drop++;
    if (drop > 0) this.chunks.splice(0, drop);
  }

  /** Epoch ms one past the last sample heard, or -Infinity. */
  get end(): number {
    const last = this.chunks.at(-1);
    return last ? chunkEnd(last) : -Infinity;
  }

  get start(): number {
    return this.chunks.length ? this.chunks[0].t0 : Infinity;
  }

  /** Samples in [from, to) epoch ms; undefined when nothing of it is held. */
  slice(from: number, to: number): AudioSlice | undefined {
    const last = this.chunks.at(-1);
    if (!last || to <= from) return undefined;
    const sr = last.sampleRate;
    const n = Math.max(0, Math.round(((to - from) * sr) / 1000));
    const out = new Float32Array(n);
    let covered = 0;
    for (const c of this.chunks) {
      if (chunkEnd(c) <= from || c.t0 >= to) continue;
      const at = Math.round(((c.t0 - from) * sr) / 1000); // index in `out` of c.samples[0]
      const srcStart = Math.max(0, -at);
      const dstStart = Math.max(0, at);
      const len = Math.min(c.samples.length - srcStart, n - dstStart);
      if (len <= 0) continue;
      out.set(c.samples.subarray(srcStart, srcStart + len), dstStart);
      covered += len;
    }
    if (covered === 0) return undefined;
    return { samples: out, sampleRate: sr, t0: from, coverage: Math.min(1, covered / Math.max(1, n)) };
  }
}
