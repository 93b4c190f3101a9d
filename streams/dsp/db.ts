// librosa.power_to_db: 10·log10(max(amin, S)) − 10·log10(max(amin, ref)), then floored at
// (max − top_db). The max is over everything passed in — for librosa's mfcc() that is the whole
// signal; the adaptive features pass one window at a time.

export interface PowerToDbOptions {
  /** Reference power (librosa ref=1.0). */
  readonly ref?: number;
  readonly amin?: number;
  /** Dynamic range kept below the maximum; null keeps everything. Default 80. */
  readonly topDb?: number | null;
}

/** In place unless `out` is given. Returns the dB array. */
export function powerToDb(s: Float32Array, opts: PowerToDbOptions = {}, out: Float32Array = s): Float32Array {
  const amin = opts.amin ?? 1e-10;
  const ref = opts.ref ?? 1;
  const topDb = opts.topDb === undefined ? 80 : opts.topDb;
  if (!(amin > 0)) throw new Error(`power_to_db: amin must be > 0, got ${amin}`);
  if (topDb !== null && !(topDb >= 0)) throw new Error(`power_to_db: top_db must be ≥ 0, got ${topDb}`);
  const refDb = 10 * Math.log10(Math.max(amin, Math.abs(ref)));
  const n = s.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = s[i];
    const d = 10 * Math.log10(v > amin ? v : amin) - refDb;
    out[i] = d;
    if (d > max) max = d;
  }
  if (topDb !== null && n > 0) {
    const floor = max - topDb;
    for (let i = 0; i < n; i++) if (out[i] < floor) out[i] = floor;
  }
  return out;
}
