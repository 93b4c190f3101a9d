// The last few tens of seconds of one station's audio, so a clip can include the pre-roll that
// came before its detection. A slice places each chunk by its own t0, so a gap in the stream
// becomes silence rather than shifting the audio.
//
// Storage: clips are written as 16-bit PCM (the default), so the ring keeps 16-bit samples —
// quantised exactly as the WAV encoder does (clip to ±1, × 32767, round half away from zero,
// NaN → 0) — which halves a station's memory and writes the very same clip bytes. Values beyond
// ±1 saturate at ±32767 as in the WAV file; they never wrap. A writer configured for float32
// clips keeps float32 copies, so its clips stay sample-exact. Chunks are copied either way: the
// ring must not pin the source's larger read blocks that a chunk's samples are a view into.
//
// Rate: the source's own rate, not the 16 kHz analysis rate — a clip is for a person to check a
// detection by ear and spectrogram, and what the recorder caught above 8 kHz (whistle harmonics,
// clicks) is part of that evidence.
import type { PcmChunk } from '../../streams/types.ts';

export interface AudioSlice {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Epoch ms of samples[0]. */
  readonly t0: number;
  /** Fraction of the slice that real samples covered (the rest is gap or not yet heard). */
  readonly coverage: number;
}

/** How the ring keeps samples: 16-bit integers (as pcm16 clips store them) or float32 (exact). */
export type RingStorage = 'pcm16' | 'float32';

interface Stored {
  readonly t0: number;
  readonly sampleRate: number;
  readonly data: Int16Array | Float32Array;
}

const PCM16_MAX = 32767;

export const chunkEnd = (c: { readonly t0: number; readonly sampleRate: number; readonly samples: { readonly length: number } }): number =>
  c.t0 + (c.samples.length / c.sampleRate) * 1000;

const storedEnd = (s: Stored): number => s.t0 + (s.data.length / s.sampleRate) * 1000;

/** Float samples → 16-bit as the WAV encoder writes them: clipped to ±1, never wrapped. */
export function toPcm16(x: Float32Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!(v === v)) continue; // NaN → 0
    const c = (v > 1 ? 1 : v < -1 ? -1 : v) * PCM16_MAX;
    out[i] = c < 0 ? -Math.round(-c) : Math.round(c);
  }
  return out;
}

export class ChunkRing {
  private chunks: Stored[] = [];

  constructor(
    private readonly keepMs: number,
    private readonly storage: RingStorage = 'pcm16',
  ) {}

  push(c: PcmChunk): void {
    const last = this.chunks.at(-1);
    // A rate change or a clock jump backwards starts afresh: old chunks cannot be placed with new ones.
    if (last && (last.sampleRate !== c.sampleRate || c.t0 < last.t0)) this.chunks = [];
    const data = this.storage === 'pcm16' ? toPcm16(c.samples) : c.samples.slice();
    this.chunks.push({ t0: c.t0, sampleRate: c.sampleRate, data });
    const horizon = chunkEnd(c) - this.keepMs;
    let drop = 0;
    while (drop < this.chunks.length - 1 && storedEnd(this.chunks[drop]) < horizon) drop++;
    if (drop > 0) this.chunks.splice(0, drop);
  }

  /** Epoch ms one past the last sample heard, or -Infinity. */
  get end(): number {
    const last = this.chunks.at(-1);
    return last ? storedEnd(last) : -Infinity;
  }

  get start(): number {
    return this.chunks.length ? this.chunks[0].t0 : Infinity;
  }

  /** Samples held, all chunks together (for tests and memory accounting). */
  get length(): number {
    let n = 0;
    for (const c of this.chunks) n += c.data.length;
    return n;
  }

  /**
   * Samples in [from, to) epoch ms as floats (16-bit values / 32767, which the WAV encoder turns
   * back into the same integers); undefined when nothing of it is held.
   */
  slice(from: number, to: number): AudioSlice | undefined {
    const last = this.chunks.at(-1);
    if (!last || to <= from) return undefined;
    const sr = last.sampleRate;
    const n = Math.max(0, Math.round(((to - from) * sr) / 1000));
    const out = new Float32Array(n);
    let covered = 0;
    for (const c of this.chunks) {
      if (storedEnd(c) <= from || c.t0 >= to) continue;
      const at = Math.round(((c.t0 - from) * sr) / 1000); // index in `out` of c.data[0]
      const srcStart = Math.max(0, -at);
      const dstStart = Math.max(0, at);
      const len = Math.min(c.data.length - srcStart, n - dstStart);
      if (len <= 0) continue;
      if (c.data instanceof Float32Array) {
        out.set(c.data.subarray(srcStart, srcStart + len), dstStart);
      } else {
        const d = c.data;
        for (let i = 0; i < len; i++) out[dstStart + i] = d[srcStart + i] / PCM16_MAX;
      }
      covered += len;
    }
    if (covered === 0) return undefined;
    return { samples: out, sampleRate: sr, t0: from, coverage: Math.min(1, covered / Math.max(1, n)) };
  }
}
