// librosa.power_to_db: 10·log10(max(amin, S)) − 10·log10(max(amin, ref)), then floored at
// (max − top_db). The max is over everything passed in — for librosa's mfcc() that is the whole
// signal; the adaptive features pass one window at a time.
//
// Speed: Math.log10 costs ~15 ns a call in V8 (a call out to C), and the features take thousands
// per window. The input is float32, so log10 is taken from its bits instead: exponent e and
// mantissa m ∈ [1, 2); m = c_i·(1 + r) with c_i = 1 + i/256 the nearest of 257 table points
// (so exact powers of two give r = 0 and an exact result), |r| ≤ 2⁻⁹, and ln(1 + r) by its series to r⁵ (error < r⁶/6 ≈ 1e-17). The result agrees with
// Math.log10 to ~1e-15 — far below float32 rounding of the dB values.

export interface PowerToDbOptions {
  /** Reference power (librosa ref=1.0). */
  readonly ref?: number;
  readonly amin?: number;
  /** Dynamic range kept below the maximum; null keeps everything. Default 80. */
  readonly topDb?: number | null;
}

const CELL_BITS = 8;
const CELLS = 1 << CELL_BITS;
const SHIFT = 23 - CELL_BITS;
/** 1 / c_i and ln(1 / c_i), c_i = 1 + i/CELLS: ln(m) = ln(m·(1/c_i)) − ln(1/c_i). */
const INV_C = new Float64Array(CELLS + 1);
const LN_INV_C = new Float64Array(CELLS + 1);
for (let i = 0; i <= CELLS; i++) {
  INV_C[i] = 1 / (1 + i / CELLS);
  LN_INV_C[i] = Math.log(INV_C[i]);
}
const TEN_OVER_LN10 = 10 / Math.LN10;
const MANT_SCALE = 2 ** -23;

/**
 * 10·log10(v) of the float32 whose bit pattern is `bits` (a positive, finite, normal number;
 * callers clamp to amin ≥ the smallest normal first and route other values to Math.log10).
 */
function tenLog10Bits(bits: number): number {
  const e = ((bits >>> 23) & 0xff) - 127;
  const frac = bits & 0x7fffff;
  const i = (frac + (1 << (SHIFT - 1))) >>> SHIFT; // nearest table point
  const r = (1 + frac * MANT_SCALE) * INV_C[i] - 1;
  const r2 = r * r;
  const ln1p = r - r2 * 0.5 + r2 * r * (1 / 3) - r2 * r2 * 0.25 + r2 * r2 * r * 0.2;
  return TEN_OVER_LN10 * (e * Math.LN2 - LN_INV_C[i] + ln1p);
}

/** In place unless `out` is given. Returns the dB array. */
export function powerToDb(s: Float32Array, opts: PowerToDbOptions = {}, out: Float32Array = s): Float32Array {
  const amin = opts.amin ?? 1e-10;
  const ref = opts.ref ?? 1;
  const topDb = opts.topDb === undefined ? 80 : opts.topDb;
  if (!(amin > 0)) throw new Error(`power_to_db: amin must be > 0, got ${amin}`);
  if (topDb !== null && !(topDb >= 0)) throw new Error(`power_to_db: top_db must be ≥ 0, got ${topDb}`);
  const refDb = 10 * Math.log10(Math.max(amin, Math.abs(ref)));
  const aminDb = 10 * Math.log10(amin) - refDb;
  const n = s.length;
  // The bits of each float32, read through an integer view of the same memory.
  const bits = new Int32Array(s.buffer, s.byteOffset, n);
  // Values above this are float32 normals (exponent > 0) on the fast path; at or below it, or
  // non-finite, Math.log10 decides (amin is normally 1e-10, far above the subnormal range).
  const fastFrom = Math.max(amin, 2 ** -126);
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = s[i];
    let d: number;
    if (v > fastFrom && v < Infinity) d = tenLog10Bits(bits[i]) - refDb;
    else if (v > amin) d = 10 * Math.log10(v) - refDb;
    else d = aminDb;
    out[i] = d;
    if (d > max) max = d;
  }
  if (topDb !== null && n > 0) {
    const floor = max - topDb;
    for (let i = 0; i < n; i++) if (out[i] < floor) out[i] = floor;
  }
  return out;
}
