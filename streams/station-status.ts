// A station's health as an operator would read it: state, input level, lag, gaps. Fed by the
// chunks that pass and by what the source reports; read as a StationStatus snapshot.
import type { PcmChunk, SourceEvent, SourceState, StationStatus } from './types.ts';

/**
 * Σ x² over the array. Four running sums: one sum is a chain of dependent float adds (one per
 * ~4 cycles); four independent chains let the CPU overlap them, so the level meter, which sees
 * every sample at the source rate, costs about a quarter as much (it was ~7% of a max-speed replay).
 * The n mod 4 leftover samples are summed FIRST: a long first call compiles the main loop
 * on-stack (OSR) before code after it has ever run, and a leftover loop placed after it then had
 * no type feedback and deoptimised that code (~78 times per 1,500 s of replay).
 */
export function sumOfSquares(x: Float32Array): number {
  const n = x.length;
  const r = n & 3;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i < r; i++) s0 += x[i] * x[i];
  for (; i < n; i += 4) {
    const a = x[i];
    const b = x[i + 1];
    const c = x[i + 2];
    const d = x[i + 3];
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  return s0 + s1 + s2 + s3;
}

export class StatusTracker {
  private state: SourceState = 'connecting';
  private message: string | undefined;
  private samples = 0;
  private gapS = 0;
  private lagS = 0;
  /** Paced sources only (see StationStatus.behindS); undefined otherwise. */
  private behindS: number | undefined;
  private sumSq = 0;
  private levelSamples = 0;
  private rmsDb: number | null = null;
  private lastSeq: number | null = null;
  private lastEnd: number | null = null;
  private at = Date.now();

  constructor(
    readonly station: string,
    private readonly now: () => number = Date.now,
  ) {}

  onChunk(c: PcmChunk): void {
    const n = c.samples.length;
    this.samples += n;
    if (this.lastSeq !== null && c.seq > this.lastSeq + 1 && this.lastEnd !== null) {
      // Lost chunks the source did not report itself.
      this.gapS += Math.max(0, (c.t0 - this.lastEnd) / 1000);
    }
    this.lastSeq = c.seq;
    this.lastEnd = c.t0 + (n * 1000) / c.sampleRate;
    // The level is the RMS of about the last second: sums over short chunks (live input) until
    // they cover a second; a chunk of a second or more (fast replay: 5 s) only over its last
    // second, the part the level reports — it was the RMS of the whole chunk, at 5× the cost.
    const second = Math.ceil(c.sampleRate);
    if (n >= second) {
      this.sumSq = sumOfSquares(c.samples.subarray(n - second));
      this.levelSamples = second;
    } else {
      this.sumSq += sumOfSquares(c.samples);
      this.levelSamples += n;
    }
    if (this.levelSamples >= c.sampleRate) {
      const ms = this.sumSq / this.levelSamples;
      this.rmsDb = ms > 0 ? 10 * Math.log10(ms) : -200;
      this.sumSq = 0;
      this.levelSamples = 0;
    }
    if (this.state !== 'live') this.setState('live');
  }

  onEvent(e: SourceEvent): void {
    if (e.type === 'status') {
      // A pace report (same state, behindS, no message) is not a state change: keep its message and time.
      if (e.behindS !== undefined && e.state === this.state && e.message === undefined) {
        this.behindS = e.behindS;
        return;
      }
      this.setState(e.state, e.message);
      if (e.behindS !== undefined) this.behindS = e.behindS;
    }
    else if (e.type === 'gap') this.gapS += e.lengthS;
    else if (e.type === 'error') this.message = e.message;
  }

  setLag(lagS: number): void {
    this.lagS = lagS;
  }

  setState(state: SourceState, message?: string): void {
    // Behind a schedule means something only while audio flows.
    if (state !== 'live') this.behindS = undefined;
    this.state = state;
    this.message = message;
    this.at = this.now();
  }

  get current(): SourceState {
    return this.state;
  }

  snapshot(): StationStatus {
    return {
      station: this.station,
      state: this.state,
      rmsDb: this.rmsDb,
      lagS: this.lagS,
      ...(this.behindS !== undefined ? { behindS: this.behindS } : {}),
      gapS: this.gapS,
      samples: this.samples,
      ...(this.message !== undefined ? { message: this.message } : {}),
      at: this.now() > this.at ? this.now() : this.at,
    };
  }
}
