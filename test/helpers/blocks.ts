// Analysis blocks made by hand, so the window and event operators can be tested without the DSP:
// frame k of a run is "centred" at sample k·hop and completes nFft/2 samples later, as in the real
// mel stage, and its mel power comes from a function the test chooses.
import type { AnalysisBlock, Origin } from '../../streams/types.ts';

export interface BlockSpec {
  readonly station?: string;
  readonly sampleRate: number;
  readonly hop: number;
  readonly nMels: number;
  readonly nFft?: number;
  readonly samples: Float32Array;
  readonly chunk: number;
  /** Epoch ms of sample 0. */
  readonly t0: number;
  readonly run?: number;
  readonly firstSeq?: number;
  readonly mel: (frame: number, band: number) => number;
  readonly origin?: (firstSample: number) => Origin | undefined;
}

export function makeBlocks(spec: BlockSpec): AnalysisBlock[] {
  const { sampleRate: sr, hop, nMels, samples } = spec;
  const half = (spec.nFft ?? hop * 4) / 2;
  const out: AnalysisBlock[] = [];
  let done = 0; // frames emitted
  for (let first = 0, seq = spec.firstSeq ?? 0; first < samples.length; first += spec.chunk, seq++) {
    const part = samples.subarray(first, Math.min(samples.length, first + spec.chunk));
    const have = first + part.length;
    const last = have >= samples.length;
    // Frames whose right edge has arrived (all of them at the end: the stage flushes there).
    let upto = last ? Math.floor((samples.length - 1) / hop) + 1 : Math.max(0, Math.floor((have - half) / hop) + 1);
    upto = Math.max(upto, done);
    const count = upto - done;
    const data = new Float32Array(count * nMels);
    for (let k = 0; k < count; k++) for (let m = 0; m < nMels; m++) data[k * nMels + m] = spec.mel(done + k, m);
    out.push({
      chunk: {
        station: spec.station ?? 'st',
        sampleRate: sr,
        samples: part,
        t0: spec.t0 + (first * 1000) / sr,
        seq,
        origin: spec.origin?.(first),
      },
      mel: { data, count, nMels, hop },
      frameIndex: done,
      frameT0: spec.t0 + (done * hop * 1000) / sr,
      run: spec.run ?? 0,
    });
    done = upto;
  }
  return out;
}

export function ramp(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (i % 1000) / 1000;
  return a;
}
