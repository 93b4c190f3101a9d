// Per-station sample-rate conversion to the analysis rate. Each station keeps its own Resampler
// across chunks (chunked output == one-shot output). The resampler is zero-phase, so output
// sample n of a run sits exactly at input time n·inRate/outRate: an output chunk's t0 is the
// run's t0 + n/outRate — the true time of its first sample (later than the input chunk's t0 by
// the filter's look-ahead, never shifted by a delay).
//
// A new run — a seq jump, a rate change, or a t0 that does not follow on from the samples already
// seen (a folder of recordings with time between them) — restarts the station's filter (the old
// run's last few ms are flushed, zero-padded, first) and skips one output seq,
// so the mel stage sees the break too. Output chunks never straddle two source files: a chunk is
// split where the file changes, so every sample's origin (file and offset) stays exact. Output
// seqs are the operator's own count per station for that reason. When the source completes, each
// station's tail is flushed as one extra chunk.
import type { OperatorFunction } from 'rxjs';
import { stateful } from './stateful.ts';
import { Resampler, type ResamplerOptions } from '../dsp/resample.ts';
import type { Origin, PcmChunk } from '../types.ts';

interface Segment {
  /** Input sample index (within the run) where this origin begins. */
  readonly inStart: number;
  readonly origin?: Origin;
}

interface StationState {
  r: Resampler;
  inRate: number;
  lastSeq: number;
  /** Epoch ms of input sample 0 of the run. */
  t0: number;
  /** Input samples of the run so far. */
  inTotal: number;
  /** Where each source file of the run begins (most recent last; old ones are dropped). */
  segments: Segment[];
  station: string;
  /** Next output seq. */
  outSeq: number;
}

function sameFile(a?: Origin, b?: Origin): boolean {
  return a?.file === b?.file;
}

export function resampleTo(rate: number, opts: ResamplerOptions = {}): OperatorFunction<PcmChunk, PcmChunk> {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`resampleTo: rate must be > 0, got ${rate}`);
  return stateful<PcmChunk, PcmChunk>((sub) => {
      const stations = new Map<string, StationState>();

      /** Emits output samples y (output indices first…) split at the run's file boundaries. */
      const emit = (st: StationState, y: Float32Array, first: number): void => {
        const ratio = st.inRate / rate;
        // The segment holding output index `first`, and the boundaries after it.
        let i = st.segments.length - 1;
        while (i > 0 && st.segments[i].inStart > first * ratio) i--;
        let from = 0;
        while (from < y.length || (y.length === 0 && from === 0)) {
          const seg = st.segments[i];
          const next = st.segments[i + 1];
          const nextOut = next ? Math.ceil(next.inStart / ratio) - first : Infinity;
          const to = Math.min(y.length, Math.max(from, nextOut));
          const n = first + from;
          const dtS = n / rate;
          sub.next({
            station: st.station,
            sampleRate: rate,
            samples: y.subarray(from, to),
            t0: st.t0 + dtS * 1000,
            seq: st.outSeq++,
            ...(seg.origin ? { origin: { file: seg.origin.file, offsetS: seg.origin.offsetS + (n * ratio - seg.inStart) / st.inRate } } : {}),
          });
          if (y.length === 0) break;
          from = to;
          if (to < y.length) i++;
        }
        // Forget segments wholly before what has been emitted.
        const emittedIn = (first + y.length) * ratio;
        while (st.segments.length > 1 && st.segments[1].inStart <= emittedIn) st.segments.shift();
      };

      const onChunk = (c: PcmChunk): void => {
        if (c.sampleRate === rate) {
          stations.delete(c.station);
          sub.next(c);
          return;
        }
        if (!(c.sampleRate > 0)) throw new Error(`resampleTo: station ${c.station} chunk ${c.seq} has sample rate ${c.sampleRate}`);
        let st = stations.get(c.station);
        const follows =
          st !== undefined &&
          st.inRate === c.sampleRate &&
          c.seq === st.lastSeq + 1 &&
          Math.abs(c.t0 - (st.t0 + (st.inTotal * 1000) / st.inRate)) <= Math.max(1, 500 / c.sampleRate);
        if (!st || !follows) {
          if (st && st.inRate > 0) {
            // The old run ends here: its last few ms come out (zero-padded) before the break.
            const first = st.r.outputCount;
            const tail = st.r.flush();
            if (tail.length > 0) emit(st, tail, first);
          }
          const outSeq = st ? st.outSeq + 1 : c.seq; // skip one: the mel stage starts a new run
          st = { r: new Resampler(c.sampleRate, rate, opts), inRate: c.sampleRate, lastSeq: c.seq, t0: c.t0, inTotal: 0, segments: [{ inStart: 0, origin: c.origin }], station: c.station, outSeq };
          stations.set(c.station, st);
        } else if (!sameFile(st.segments[st.segments.length - 1].origin, c.origin)) {
          st.segments.push({ inStart: st.inTotal, origin: c.origin });
        }
        st.lastSeq = c.seq;
        st.inTotal += c.samples.length;
        const first = st.r.outputCount;
        const y = st.r.push(c.samples);
        emit(st, y, first);
      };

      const flushAll = (): void => {
        for (const st of stations.values()) {
          const first = st.r.outputCount;
          const y = st.r.flush();
          if (y.length > 0) emit(st, y, first);
        }
      };
      return { next: onChunk, complete: flushAll };
    });
}
