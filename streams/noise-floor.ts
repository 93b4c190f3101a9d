// A running median of levels in dB over the last N values, by a sliding histogram: O(1) to add and
// drop, a bounded scan to read. Months of audio go through it, so no per-frame allocation and no
// sort. Resolution 0.25 dB between −250 and +50 dB is far finer than any detector threshold.
const LO = -250;
const HI = 50;
const STEP = 0.25;
const BINS = Math.round((HI - LO) / STEP) + 1;

export class RunningMedian {
  private readonly hist = new Uint32Array(BINS);
  private readonly ring: Uint16Array;
  private head = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1) || !Number.isInteger(capacity)) throw new Error(`running median: capacity ${capacity} must be a positive integer`);
    this.ring = new Uint16Array(capacity);
  }

  get count(): number {
    return this.size;
  }

  add(db: number): void {
    const v = Number.isFinite(db) ? db : LO;
    const bin = Math.min(BINS - 1, Math.max(0, Math.round((v - LO) / STEP)));
    if (this.size === this.capacity) {
      this.hist[this.ring[this.head]]--;
    } else {
      this.size++;
    }
    this.ring[this.head] = bin;
    this.hist[bin]++;
    this.head = (this.head + 1) % this.capacity;
  }

  /** The q-quantile (0..1) of the values held; NaN when empty. */
  quantile(q: number): number {
    if (this.size === 0) return Number.NaN;
    const target = Math.min(this.size - 1, Math.max(0, Math.floor(q * this.size)));
    let seen = 0;
    for (let b = 0; b < BINS; b++) {
      seen += this.hist[b];
      if (seen > target) return LO + b * STEP;
    }
    return HI;
  }

  median(): number {
    return this.quantile(0.5);
  }

  clear(): void {
    this.hist.fill(0);
    this.head = 0;
    this.size = 0;
  }
}
