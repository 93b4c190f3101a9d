// A source made of a generated signal, cut into chunks with exact times and sequence numbers.
import { Observable } from 'rxjs';
import type { PcmChunk } from '../../streams/types.ts';

export function chunksOf(samples: Float32Array, sampleRate: number, opts: { station?: string; t0: number; chunkS?: number; firstSeq?: number }): PcmChunk[] {
  const n = Math.max(1, Math.round((opts.chunkS ?? 0.5) * sampleRate));
  const out: PcmChunk[] = [];
  for (let i = 0, seq = opts.firstSeq ?? 0; i < samples.length; i += n, seq++) {
    out.push({ station: opts.station ?? 'st', sampleRate, samples: samples.slice(i, i + n), t0: opts.t0 + (i * 1000) / sampleRate, seq });
  }
  return out;
}

/** Emits the chunks synchronously, optionally failing with `error` after `failAfter` of them. */
export function chunkSource(chunks: readonly PcmChunk[], failAfter?: number, error = 'source died'): Observable<PcmChunk> {
  return new Observable<PcmChunk>((sub) => {
    for (let i = 0; i < chunks.length; i++) {
      if (failAfter !== undefined && i === failAfter) {
        sub.error(new Error(error));
        return;
      }
      sub.next(chunks[i]);
    }
    sub.complete();
  });
}
