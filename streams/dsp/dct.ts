// DCT-II with orthonormal scaling (scipy.fft.dct(type=2, norm='ortho'), as librosa.feature.mfcc
// uses), as a precomputed matrix holding only the nMfcc rows we keep: nMfcc × nMels multiply-adds
// per frame instead of a full transform.

const cache = new Map<string, Float64Array>();

/** Row-major nOut × n matrix: D[k, m] = s_k·cos(π·k·(2m+1) / 2n), s_0 = √(1/n), s_k = √(2/n). */
export function dctMatrix(n: number, nOut: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new Error(`dct: size must be a positive integer, got ${n}`);
  if (!Number.isInteger(nOut) || nOut < 1 || nOut > n) throw new Error(`dct: need 1 ≤ coefficients ≤ ${n}, got ${nOut}`);
  const key = `${n}|${nOut}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const d = new Float64Array(nOut * n);
  for (let k = 0; k < nOut; k++) {
    const s = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let m = 0; m < n; m++) d[k * n + m] = s * Math.cos((Math.PI * k * (2 * m + 1)) / (2 * n));
  }
  cache.set(key, d);
  return d;
}

/**
 * The same rows folded by symmetry: row k is even about the centre for even k and odd for odd k,
 * so D·x = D_half·(x[m] ± x[n−1−m]) — half the multiply-adds. Row-major nOut × ⌈n/2⌉.
 */
function foldedMatrix(n: number, nOut: number): Float64Array {
  const key = `fold|${n}|${nOut}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const d = dctMatrix(n, nOut);
  const h = Math.ceil(n / 2);
  const f = new Float64Array(nOut * h);
  for (let k = 0; k < nOut; k++) for (let m = 0; m < h; m++) f[k * h + m] = d[k * n + m];
  cache.set(key, f);
  return f;
}

/**
 * Rows k of class (k mod 4) folded twice, for n a multiple of 4: odd rows act on
 * d[m] = x[m] − x[n−1−m] (m < n/2); even rows are even/odd about the centre of the half-length
 * s[m] = x[m] + x[n−1−m], so rows k ≡ 0 (mod 4) act on s[m] + s[n/2−1−m] and rows k ≡ 2 on
 * s[m] − s[n/2−1−m] (m < n/4). 3/4 of the once-folded multiply-adds (½·n·nOut → ⅜·n·nOut).
 */
interface RowGroup {
  /** Output index of row r: first + step·r. */
  readonly first: number;
  readonly step: number;
  readonly rows: number;
  /** Length of the folded vector. */
  readonly len: number;
  /** rows × len, row-major. */
  readonly m: Float64Array;
}

const groupCache = new Map<string, RowGroup[]>();

function rowGroups(n: number, nOut: number): RowGroup[] {
  const key = `${n}|${nOut}`;
  const hit = groupCache.get(key);
  if (hit) return hit;
  const d = dctMatrix(n, nOut);
  const make = (first: number, step: number, len: number): RowGroup => {
    const rows = first < nOut ? Math.floor((nOut - 1 - first) / step) + 1 : 0;
    const m = new Float64Array(rows * len);
    for (let r = 0; r < rows; r++) for (let j = 0; j < len; j++) m[r * len + j] = d[(first + step * r) * n + j];
    return { first, step, rows, len, m };
  };
  const g = [make(1, 2, n / 2), make(0, 4, n / 4), make(2, 4, n / 4)];
  groupCache.set(key, g);
  return g;
}

/** out[f·nOut + first + step·r] = Σ_j a[f·len + j]·g.m[r·len + j], two frames × two rows at a time. */
function groupProduct(a: Float64Array, frames: number, g: RowGroup, out: Float32Array, nOut: number): void {
  const { first, step, rows, len, m } = g;
  let f = 0;
  for (; f + 1 < frames; f += 2) {
    const a0 = f * len;
    const a1 = a0 + len;
    const o0 = f * nOut + first;
    const o1 = o0 + nOut;
    let r = 0;
    for (; r + 1 < rows; r += 2) {
      const b0 = r * len;
      const b1 = b0 + len;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let j = 0; j < len; j++) {
        const x0 = a[a0 + j];
        const x1 = a[a1 + j];
        const y0 = m[b0 + j];
        const y1 = m[b1 + j];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      out[o0 + step * r] = s00;
      out[o0 + step * (r + 1)] = s01;
      out[o1 + step * r] = s10;
      out[o1 + step * (r + 1)] = s11;
    }
    if (r < rows) {
      const b0 = r * len;
      let s0 = 0;
      let s1 = 0;
      for (let j = 0; j < len; j++) {
        const y = m[b0 + j];
        s0 += a[a0 + j] * y;
        s1 += a[a1 + j] * y;
      }
      out[o0 + step * r] = s0;
      out[o1 + step * r] = s1;
    }
  }
  if (f < frames) {
    const a0 = f * len;
    const o0 = f * nOut + first;
    for (let r = 0; r < rows; r++) {
      const b0 = r * len;
      let s0 = 0;
      for (let j = 0; j < len; j++) s0 += a[a0 + j] * m[b0 + j];
      out[o0 + step * r] = s0;
    }
  }
}

/** Frames folded and multiplied per pass: bounds the scratch, keeps it in cache. */
const BLOCK = 64;
/** Scratch for the folded vectors of one block (dctFrames is synchronous, so one is enough). */
let scratch = new Float64Array(0);

/** frames × n (row-major) → frames × nOut: the DCT of every frame. */
export function dctFrames(x: Float32Array, frames: number, n: number, nOut: number, out: Float32Array = new Float32Array(frames * nOut)): Float32Array {
  if (n % 4 !== 0 || n < 8) return dctFramesOnceFolded(x, frames, n, nOut, out);
  const groups = rowGroups(n, nOut);
  const h = n / 2;
  const q = n / 4;
  const need = BLOCK * n;
  if (scratch.length < need) scratch = new Float64Array(need);
  const dif = scratch.subarray(0, BLOCK * h);
  const ss = scratch.subarray(BLOCK * h, BLOCK * (h + q));
  const sd = scratch.subarray(BLOCK * (h + q), BLOCK * n);
  for (let f0 = 0; f0 < frames; f0 += BLOCK) {
    const nf = Math.min(BLOCK, frames - f0);
    for (let f = 0; f < nf; f++) {
      const xo = (f0 + f) * n;
      const ho = f * h;
      const qo = f * q;
      for (let j = 0; j < q; j++) {
        // the four samples whose sums and differences make up pair j of both folds
        const a = x[xo + j];
        const b = x[xo + n - 1 - j];
        const c = x[xo + h - 1 - j];
        const e = x[xo + h + j];
        dif[ho + j] = a - b;
        dif[ho + h - 1 - j] = c - e;
        const s1 = a + b;
        const s2 = c + e;
        ss[qo + j] = s1 + s2;
        sd[qo + j] = s1 - s2;
      }
    }
    const o = out.subarray(f0 * nOut, (f0 + nf) * nOut);
    groupProduct(dif, nf, groups[0], o, nOut);
    groupProduct(ss, nf, groups[1], o, nOut);
    groupProduct(sd, nf, groups[2], o, nOut);
  }
  return out;
}

/** Any n: the once-folded product (rows even/odd about the centre). */
function dctFramesOnceFolded(x: Float32Array, frames: number, n: number, nOut: number, out: Float32Array): Float32Array {
  const d = foldedMatrix(n, nOut);
  const h = Math.ceil(n / 2);
  const half = n >> 1; // pairs (m, n−1−m); for odd n the middle sample stands alone
  const sum = new Float64Array(h);
  const dif = new Float64Array(h);
  for (let f = 0; f < frames; f++) {
    const xo = f * n;
    for (let m = 0; m < half; m++) {
      const a = x[xo + m];
      const b = x[xo + n - 1 - m];
      sum[m] = a + b;
      dif[m] = a - b;
    }
    if (n & 1) {
      sum[half] = x[xo + half];
      dif[half] = 0; // odd rows vanish at the centre
    }
    const oo = f * nOut;
    for (let k = 0; k < nOut; k++) {
      const v = k & 1 ? dif : sum;
      const ro = k * h;
      let a0 = 0;
      let a1 = 0;
      let m = 0;
      for (; m + 1 < h; m += 2) {
        a0 += d[ro + m] * v[m];
        a1 += d[ro + m + 1] * v[m + 1];
      }
      if (m < h) a0 += d[ro + m] * v[m];
      out[oo + k] = a0 + a1;
    }
  }
  return out;
}
