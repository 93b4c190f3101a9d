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

/** frames × n (row-major) → frames × nOut: the DCT of every frame. */
export function dctFrames(x: Float32Array, frames: number, n: number, nOut: number, out = new Float32Array(frames * nOut)): Float32Array {
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
