// The dashboard's live spectrogram, made from the mel frames the pipeline computed anyway (no
// extra FFT): frames are averaged to a few columns per second and quantised to bytes, so 50
// clients watching cost little bandwidth.
import type { AnalysisBlock } from '../streams/types.ts';
import type { SpectrogramColumn } from './monitor-types.ts';

export interface ColumnOptions {
  readonly columnsPerS: number;
  /** dB mapped to 0 and 255. */
  readonly floorDb: number;
  readonly ceilDb: number;
  readonly maxHz: number;
}

export class SpectrogramColumns {
  private acc: Float64Array = new Float64Array(0);
  private n = 0;
  private per = 1;
  private tFirst = 0;

  constructor(
    readonly station: string,
    private readonly opts: ColumnOptions,
  ) {}

  /** Columns completed by this block. */
  push(b: AnalysisBlock): SpectrogramColumn[] {
    const { mel } = b;
    if (mel.count === 0) return [];
    const fps = b.chunk.sampleRate / mel.hop;
    const per = Math.max(1, Math.round(fps / this.opts.columnsPerS));
    if (this.acc.length !== mel.nMels || per !== this.per) {
      this.acc = new Float64Array(mel.nMels);
      this.n = 0;
      this.per = per;
    }
    const out: SpectrogramColumn[] = [];
    const frameMs = (mel.hop * 1000) / b.chunk.sampleRate;
    for (let f = 0; f < mel.count; f++) {
      if (this.n === 0) this.tFirst = b.frameT0 + f * frameMs;
      const row = f * mel.nMels;
      for (let m = 0; m < mel.nMels; m++) this.acc[m] += mel.data[row + m];
      if (++this.n === this.per) {
        out.push(this.column(this.tFirst + ((this.per - 1) * frameMs) / 2));
        this.acc.fill(0);
        this.n = 0;
      }
    }
    return out;
  }

  private column(t: number): SpectrogramColumn {
    const { floorDb, ceilDb } = this.opts;
    const bins = new Uint8Array(this.acc.length);
    for (let m = 0; m < bins.length; m++) {
      const db = 10 * Math.log10(this.acc[m] / this.per + 1e-12);
      bins[m] = Math.max(0, Math.min(255, Math.round(((db - floorDb) / (ceilDb - floorDb)) * 255)));
    }
    return { station: this.station, t, bins, maxHz: this.opts.maxHz };
  }
}
