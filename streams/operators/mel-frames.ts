// The stream's STFT → mel power, computed ONCE per station: frame k of a continuous run is centred
// at sample k·hop of that run (padded per cfg.padMode only at the run's start), and each chunk
// carries out the frames it completes, as an AnalysisBlock. Windows and events are then views over
// these frames. A seq gap, a t0 jump beyond half a hop, or a rate change starts a new run. When the
// source completes, each open run's last frames (centred within nFft/2 of its end, padded per
// cfg.padMode) are emitted in one extra block with an empty chunk, so a replayed file yields
// exactly the frames librosa computes for the whole file. A run cut by a gap ends the same way
// (its end padded as a file's end would be) before the next run begins. With cfg.center false, frame k spans
// [k·hop, k·hop + nFft) as librosa's center=False does (its centre is nFft/2 later).
import { Observable, type OperatorFunction } from 'rxjs';
import { sharedMelAnalyzer, type MelAnalyzer } from '../dsp/mel-analyzer.ts';
import { NoiseGate, type NoiseGateOptions } from '../dsp/noise-gate.ts';
import { padIndex } from '../dsp/pad.ts';
import type { AnalysisBlock, FeatureConfig, PcmChunk } from '../types.ts';

export interface MelFramesOptions {
  /** Spectral gating of the power spectrum before the mel step (per station, no look-ahead). */
  readonly noiseGate?: NoiseGateOptions;
}

interface RunState {
  run: number;
  lastSeq: number;
  /** Epoch ms of sample 0 of the run. */
  t0: number;
  /** Samples received in the run. */
  total: number;
  /** Next frame to compute. */
  next: number;
  /** Retained samples; buf[0] is run sample bufStart. */
  buf: Float32Array;
  bufStart: number;
  bufLen: number;
  /** The run's first samples, kept for reflect padding of its first frames. */
  head: Float32Array;
  gate: NoiseGate | null;
  lastChunk: PcmChunk;
}

export function melFrames(cfg: FeatureConfig, opts: MelFramesOptions = {}): OperatorFunction<PcmChunk, AnalysisBlock> {
  const { nFft, hop, nMels } = cfg;
  if (!Number.isInteger(nFft) || nFft < 2 || !Number.isInteger(hop) || hop < 1) {
    throw new Error(`melFrames: nFft (${nFft}) and hop (${hop}) must be positive integers`);
  }
  const half = cfg.center ? Math.floor(nFft / 2) : 0;
  return (source) =>
    new Observable<AnalysisBlock>((sub) => {
      const an: MelAnalyzer = sharedMelAnalyzer({ sampleRate: cfg.sampleRate, nFft, nMels, fmin: cfg.fmin, fmax: cfg.fmax });
      const frame = new Float32Array(nFft);
      const stations = new Map<string, RunState>();

      /** Sample s of the run (any index: padded outside [0, end)). */
      const sampleAt = (st: RunState, s: number, end: number): number => {
        const j = padIndex(s, end, cfg.padMode);
        if (j < 0) return 0;
        if (j >= st.bufStart && j < st.bufStart + st.bufLen) return st.buf[j - st.bufStart];
        if (j < st.head.length) return st.head[j];
        throw new Error(`melFrames: internal: sample ${j} no longer held`);
      };

      const computeFrame = (st: RunState, k: number, out: Float32Array, o: number, end: number): void => {
        const s0 = k * hop - half;
        let src: Float32Array;
        let off: number;
        if (s0 >= st.bufStart && s0 + nFft <= st.bufStart + st.bufLen && s0 + nFft <= end) {
          src = st.buf;
          off = s0 - st.bufStart;
        } else {
          for (let i = 0; i < nFft; i++) frame[i] = sampleAt(st, s0 + i, end);
          src = frame;
          off = 0;
        }
        if (st.gate) {
          const p = an.powerFrame(src, off);
          st.gate.apply(p);
          an.melFromPower(p, out, o);
        } else {
          an.frame(src, off, out, o);
        }
      };

      /** Frames k ≥ st.next whose samples have all arrived (or, at the end, all up to `final`). */
      const emitFrames = (st: RunState, chunk: PcmChunk, final: boolean): void => {
        const end = st.total;
        let upto: number;
        if (final) {
          upto = cfg.center ? Math.floor(end / hop) + 1 : end < nFft ? 0 : Math.floor((end - nFft) / hop) + 1;
        } else {
          // frame k needs samples up to k·hop − half + nFft, and reflect padding at the start needs `half` + 1
          const need = (k: number): number => Math.max(k * hop - half + nFft, k * hop - half < 0 && cfg.padMode === 'reflect' ? half + 1 : 0);
          upto = st.next;
          while (need(upto) <= end) upto++;
        }
        const count = Math.max(0, upto - st.next);
        const data = new Float32Array(count * nMels);
        // Frames wholly inside the held samples go to the analyzer as one run (one WASM call when
        // fused); the few at a run's edges are padded one by one.
        const lim = Math.min(st.bufStart + st.bufLen, end);
        for (let i = 0; i < count; ) {
          const s0 = (st.next + i) * hop - half;
          const inside = st.gate || s0 < st.bufStart || s0 + nFft > lim ? 0 : Math.min(count - i, Math.floor((lim - nFft - s0) / hop) + 1);
          if (inside > 0) {
            an.frames(st.buf, s0 - st.bufStart, hop, inside, data, i * nMels);
            i += inside;
          } else {
            computeFrame(st, st.next + i, data, i * nMels, end);
            i++;
          }
        }
        const first = st.next;
        st.next = upto;
        // keep only what future frames need
        // (a margin of half + 2 keeps what reflect padding at the run end may mirror)
        const keepFrom = Math.max(0, st.next * hop - 2 * half - 2);
        const drop = Math.max(0, Math.min(st.bufLen, keepFrom - st.bufStart));
        if (drop > 0) {
          st.buf.copyWithin(0, drop, st.bufLen);
          st.bufLen -= drop;
          st.bufStart += drop;
        }
        sub.next({
          chunk,
          mel: { data, count, nMels, hop },
          frameIndex: first,
          frameT0: st.t0 + (first * hop * 1000) / cfg.sampleRate,
          run: st.run,
        });
      };

      const startRun = (chunk: PcmChunk, prev: RunState | undefined): RunState => ({
        run: prev ? prev.run + 1 : 0,
        lastSeq: chunk.seq,
        t0: chunk.t0,
        total: 0,
        next: 0,
        buf: new Float32Array(Math.max(4 * nFft, 2 * chunk.samples.length)),
        bufStart: 0,
        bufLen: 0,
        head: new Float32Array(0),
        // the noise floor belongs to the station, not the run: keep learning across gaps
        gate: opts.noiseGate ? (prev?.gate ?? new NoiseGate(an.nBins, cfg.sampleRate, hop, opts.noiseGate)) : null,
        lastChunk: chunk,
      });

      /** A run's last frames (centred within nFft/2 of its end, padded per cfg.padMode), in one
       *  block with an empty chunk: at the source's end, and when a gap starts a new run. */
      const finishRun = (st: RunState): void => {
        const c = st.lastChunk;
        const tail: PcmChunk = {
          station: c.station,
          sampleRate: c.sampleRate,
          samples: new Float32Array(0),
          t0: st.t0 + (st.total * 1000) / cfg.sampleRate,
          seq: c.seq + 1,
          ...(c.origin ? { origin: { file: c.origin.file, offsetS: c.origin.offsetS + c.samples.length / c.sampleRate } } : {}),
        };
        emitFrames(st, tail, true);
      };

      const onChunk = (chunk: PcmChunk): void => {
        if (chunk.sampleRate !== cfg.sampleRate) {
          throw new Error(
            `melFrames: station ${chunk.station} chunk ${chunk.seq} is at ${chunk.sampleRate} Hz but the analysis rate is ${cfg.sampleRate} Hz (resample first: resampleTo(${cfg.sampleRate}))`,
          );
        }
        let st = stations.get(chunk.station);
        if (st) {
          const expectedT0 = st.t0 + (st.total * 1000) / cfg.sampleRate;
          const jump = Math.abs(chunk.t0 - expectedT0) > (hop / 2 / cfg.sampleRate) * 1000;
          if (chunk.seq !== st.lastSeq + 1 || jump) {
            finishRun(st);
            st = startRun(chunk, st);
          }
        } else {
          st = startRun(chunk, undefined);
        }
        stations.set(chunk.station, st);
        st.lastSeq = chunk.seq;
        st.lastChunk = chunk;
        const x = chunk.samples;
        if (st.bufLen + x.length > st.buf.length) {
          const nb = new Float32Array(Math.max(st.bufLen + x.length, st.buf.length * 2));
          nb.set(st.buf.subarray(0, st.bufLen));
          st.buf = nb;
        }
        st.buf.set(x, st.bufLen);
        st.bufLen += x.length;
        st.total += x.length;
        if (st.head.length < half + 1 && st.bufStart === 0) st.head = st.buf.slice(0, Math.min(st.bufLen, half + 1));
        emitFrames(st, chunk, false);
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
          try {
            for (const st of stations.values()) finishRun(st);
            sub.complete();
          } catch (err) {
            sub.error(err);
          }
        },
      });
    });
}
