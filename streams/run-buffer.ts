// The recent audio and mel frames of one station's current continuous run, addressed by sample and
// frame index within the run. Windows and events cut their views from it, so the STFT is computed
// once per stream however many windows overlap. A new run (gap, clock jump, rate change) clears it.
//
// No copies per window: frames are kept in append-only slabs (a full slab is replaced by a new one
// that starts with the frames still held; nothing already written is ever changed), so a window's
// MelView is a subarray of its slab. Chunks' samples are never changed once emitted (the pipeline's
// contract), so samplesLater() gives a view of a chunk, or copies only when a window straddles
// chunks, and only when asked. The one exception, samples a source recycles (audio/recycled.ts),
// are copied on arrival.
import type { AnalysisBlock, MelView, Origin } from './types.ts';
import { keepable } from './audio/recycled.ts';

interface HeldChunk {
  readonly first: number; // sample index within the run
  readonly samples: Float32Array;
  readonly origin?: Origin;
}

export class RunBuffer {
  run = -1;
  sampleRate = 0;
  hop = 0;
  nMels = 0;
  /** Epoch ms of sample 0 of the run. */
  t0 = 0;
  /** Samples received in this run. */
  sampleCount = 0;
  /** Frames received in this run (frame k is centred at sample k × hop). */
  frameCount = 0;
  station = '';

  private chunks: HeldChunk[] = [];
  /** The current slab: frames[slabPos + i·nMels ..] is run frame frameBase + i. */
  private frames: Float32Array = new Float32Array(0);
  private slabPos = 0;
  /** Run frame index of the first held frame. */
  private frameBase = 0;
  private frameLen = 0;

  /** Takes one block; returns true when it started a new run (callers flush their state first). */
  push(block: AnalysisBlock): boolean {
    const { chunk, mel } = block;
    let fresh = false;
    if (block.run !== this.run) {
      this.reset(block);
      fresh = true;
    }
    // a source's recycled read buffer is rewritten by its next block: keep a copy of those samples
    this.chunks.push({ first: this.sampleCount, samples: keepable(chunk.samples), origin: chunk.origin });
    this.sampleCount += chunk.samples.length;
    if (mel.count > 0) this.appendFrames(block.frameIndex, mel);
    return fresh;
  }

  private reset(block: AnalysisBlock): void {
    const { chunk, mel } = block;
    this.run = block.run;
    this.station = chunk.station;
    this.sampleRate = chunk.sampleRate;
    this.hop = mel.hop;
    this.nMels = mel.nMels;
    // Sample 0 of the run is where frame 0 is centred.
    this.t0 = block.frameT0 - (block.frameIndex * mel.hop * 1000) / chunk.sampleRate;
    this.sampleCount = Math.round(((chunk.t0 - this.t0) * chunk.sampleRate) / 1000);
    this.frameCount = block.frameIndex;
    this.chunks = [];
    this.frameBase = block.frameIndex;
    this.frameLen = 0;
    this.slabPos = 0;
    // a fresh slab per run: windows of the old run may still view the old one
    this.frames = new Float32Array(0);
  }

  private appendFrames(index: number, mel: MelView): void {
    if (index !== this.frameCount) {
      throw new Error(`mel frames out of order in run ${this.run} of ${this.station}: got ${index}, expected ${this.frameCount}`);
    }
    const nm = this.nMels;
    const end = this.slabPos + this.frameLen * nm;
    if (end + mel.count * nm > this.frames.length) {
      // a new slab, starting with the frames still held (views into the old one stay valid)
      const held = (this.frameLen + mel.count) * nm;
      const slab = new Float32Array(Math.max(3 * held, 384 * nm));
      slab.set(this.frames.subarray(this.slabPos, end));
      this.frames = slab;
      this.slabPos = 0;
    }
    this.frames.set(mel.data.subarray(0, mel.count * nm), this.slabPos + this.frameLen * nm);
    this.frameLen += mel.count;
    this.frameCount += mel.count;
  }

  /** Epoch ms of a sample index of this run. */
  timeOf(sample: number): number {
    return this.t0 + (sample * 1000) / this.sampleRate;
  }

  /** First frame whose centre is at or after `sample`. */
  frameAtOrAfter(sample: number): number {
    return Math.ceil(sample / this.hop);
  }

  /** Copy of samples [from, to) of the run; parts no longer held (or not yet received) are zeros. */
  samples(from: number, to: number): Float32Array {
    return copyRange(this.chunks, from, to);
  }

  /**
   * Frames [from, to) as a MelView (frames not held are skipped at the edges): a view of the
   * slab, valid for good (the slab is append-only); do not write to it.
   */
  melView(from: number, to: number): MelView {
    const a = Math.max(from, this.frameBase);
    const b = Math.min(to, this.frameBase + this.frameLen);
    const count = Math.max(0, b - a);
    const o = this.slabPos + (a - this.frameBase) * this.nMels;
    return { data: this.frames.subarray(o, o + count * this.nMels), count, nMels: this.nMels, hop: this.hop };
  }

  /** Power of frame `f` in mel band `m` (frame must be held). */
  melAt(f: number, m: number): number {
    return this.frames[this.slabPos + (f - this.frameBase) * this.nMels + m];
  }

  /**
   * Samples [from, to) of the run, fetched only when called (then kept): a view of the chunk
   * when one chunk holds them all, else a copy (parts not held are zeros, as samples() gives).
   * Holds only references to the chunks concerned, so it stays valid after trim().
   */
  samplesLater(from: number, to: number): () => Float32Array {
    const parts: HeldChunk[] = [];
    for (const c of this.chunks) if (c.first + c.samples.length > from && c.first < to) parts.push(c);
    let got: Float32Array | null = null;
    return () => {
      if (got) return got;
      const only = parts.length === 1 ? parts[0] : null;
      if (only && only.first <= from && only.first + only.samples.length >= to) {
        got = only.samples.subarray(from - only.first, to - only.first);
      } else {
        got = copyRange(parts, from, to);
      }
      return got;
    };
  }

  /** Where sample `sample` of the run sits in its source file, when the source is a file. */
  originAt(sample: number): Origin | undefined {
    for (const c of this.chunks) {
      if (sample >= c.first && sample < c.first + c.samples.length) {
        return c.origin ? { file: c.origin.file, offsetS: c.origin.offsetS + (sample - c.first) / this.sampleRate } : undefined;
      }
    }
    return undefined;
  }

  /** Forget samples before `sample` and frames before `frame`: bounded memory. */
  trim(sample: number, frame: number): void {
    let drop = 0;
    while (drop < this.chunks.length && this.chunks[drop].first + this.chunks[drop].samples.length <= sample) drop++;
    if (drop > 0) this.chunks.splice(0, drop);
    const f = Math.min(Math.max(frame, this.frameBase), this.frameBase + this.frameLen);
    const k = f - this.frameBase;
    if (k > 0) {
      this.slabPos += k * this.nMels;
      this.frameLen -= k;
      this.frameBase = f;
    }
  }

  /** Samples currently held (for memory accounting). */
  heldSamples(): number {
    let n = 0;
    for (const c of this.chunks) n += c.samples.length;
    return n;
  }
}

/** Samples [from, to) of a run from its chunks; what they do not cover is zeros. */
function copyRange(chunks: readonly HeldChunk[], from: number, to: number): Float32Array {
  const out = new Float32Array(Math.max(0, to - from));
  for (const c of chunks) {
    const cEnd = c.first + c.samples.length;
    if (cEnd <= from || c.first >= to) continue;
    const a = Math.max(from, c.first);
    const b = Math.min(to, cEnd);
    out.set(c.samples.subarray(a - c.first, b - c.first), a - from);
  }
  return out;
}
