// Per-station sample-rate conversion to the analysis rate. Each station keeps its own Resampler
// across chunks (chunked output == one-shot output). The resampler is zero-phase, so output
// sample n of a run sits exactly at input time n·inRate/outRate: an output chunk's t0 is the
// run's t0 + n/outRate — the true time of its first sample (later than the input chunk's t0 by
// the filter's look-ahead, never shifted by a delay). Output chunks keep the input's seq (one out
// per in, possibly empty while the filter fills). A seq jump or a rate change restarts the
// station's filter (the old run's last few ms are dropped: they needed samples that never came);
// when the source completes, each station's tail is flushed as one extra chunk (seq + 1).
import { Observable, type OperatorFunction } from 'rxjs';
import { Resampler, type ResamplerOptions } from '../dsp/resample.ts';
import type { Origin, PcmChunk } from '../types.ts';

interface StationState {
  r: Resampler;
  inRate: number;
  lastSeq: number;
  /** Epoch ms of input sample 0 of the run. */
  t0: number;
  /** Origin of input sample 0 of the run, when the source gives one. */
  origin?: Origin;
  station: string;
}

export function resampleTo(rate: number, opts: ResamplerOptions = {}): OperatorFunction<PcmChunk, PcmChunk> {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`resampleTo: rate must be > 0, got ${rate}`);
  return (source) =>
    new Observable<PcmChunk>((sub) => {
      const stations = new Map<string, StationState>();

      const outChunk = (st: StationState, samples: Float32Array, firstOut: number, seq: number): PcmChunk => {
        const dtS = firstOut / rate;
        const chunk: PcmChunk = {
          station: st.station,
          sampleRate: rate,
          samples,
          t0: st.t0 + dtS * 1000,
          seq,
          ...(st.origin ? { origin: { file: st.origin.file, offsetS: st.origin.offsetS + dtS } } : {}),
        };
        return chunk;
      };

      const onChunk = (c: PcmChunk): void => {
        if (c.sampleRate === rate) {
          stations.delete(c.station);
          sub.next(c);
          return;
        }
        if (!(c.sampleRate > 0)) throw new Error(`resampleTo: station ${c.station} chunk ${c.seq} has sample rate ${c.sampleRate}`);
        let st = stations.get(c.station);
        if (!st || st.inRate !== c.sampleRate || c.seq !== st.lastSeq + 1) {
          st = { r: new Resampler(c.sampleRate, rate, opts), inRate: c.sampleRate, lastSeq: c.seq, t0: c.t0, station: c.station, origin: c.origin };
          stations.set(c.station, st);
        }
        st.lastSeq = c.seq;
        const first = st.r.outputCount;
        const y = st.r.push(c.samples);
        sub.next(outChunk(st, y, first, c.seq));
      };

      return source.subscribe({
        next: (c) => {
          try {
            onChunk(c);
          } catch (err) {
            sub.error(err);
          }
        },
        error: (e: unknown) => sub.error(e),
        complete: () => {
          for (const st of stations.values()) {
            const first = st.r.outputCount;
            const y = st.r.flush();
            if (y.length > 0) sub.next(outChunk(st, y, first, st.lastSeq + 1));
          }
          sub.complete();
        },
      });
    });
}
