// Cuts blocks of samples (whatever size the transport delivered) into chunks of a steady size,
// numbered per station. A time discontinuity between blocks closes the current chunk early, so
// a chunk never straddles a hole.
import type { PcmChunk } from '../types.ts';

export interface Assembler {
  /** Add a block whose first sample is at `t0`; returns the chunks it completed. */
  push(samples: Float32Array, sampleRate: number, t0: number): PcmChunk[];
  /** Emit what is pending as a short chunk (stream ended or broke). */
  flush(): PcmChunk[];
  /** Number of the next chunk. */
  readonly seq: number;
}

export interface AssemblerOptions {
  readonly station: string;
  /** Target chunk length, seconds (default 0.25). */
  readonly chunkS?: number;
  readonly firstSeq?: number;
}

export function createAssembler(opts: AssemblerOptions): Assembler {
  const { station } = opts;
  const chunkS = opts.chunkS ?? 0.25;
  let seq = opts.firstSeq ?? 0;
  let rate = 0;
  let buf = new Float32Array(0);
  let fill = 0;
  // The buffer's first sample is `taken` samples after the anchor: times come from the count, not
  // from adding chunk durations (see clock.ts: sums of epoch milliseconds drift).
  let anchorT0 = 0;
  let taken = 0;
  const bufT0 = (): number => anchorT0 + (taken / rate) * 1000;

  const take = (n: number): PcmChunk => {
    const samples = buf.slice(0, n);
    buf.copyWithin(0, n, fill);
    fill -= n;
    const chunk: PcmChunk = { station, sampleRate: rate, samples, t0: bufT0(), seq: seq++ };
    taken += n;
    return chunk;
  };

  const flush = (): PcmChunk[] => (fill > 0 ? [take(fill)] : []);

  return {
    get seq() {
      return seq;
    },
    flush,
    push(samples: Float32Array, sampleRate: number, t0: number): PcmChunk[] {
      const out: PcmChunk[] = [];
      if (samples.length === 0) return out;
      const contiguous = sampleRate === rate && Math.abs(anchorT0 + ((taken + fill) / rate) * 1000 - t0) <= 1000 / rate;
      if (fill > 0 && !contiguous) out.push(...flush());
      if (!contiguous) {
        anchorT0 = t0;
        taken = 0;
        rate = sampleRate;
      }
      const target = Math.max(1, Math.round(rate * chunkS));
      if (buf.length < fill + samples.length) {
        const grown = new Float32Array(Math.max(fill + samples.length, target * 2));
        grown.set(buf.subarray(0, fill));
        buf = grown;
      }
      buf.set(samples, fill);
      fill += samples.length;
      while (fill >= target) out.push(take(target));
      return out;
    },
  };
}
