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

/** frames × n (row-major) → frames × nOut: the DCT of every frame. */
export function dctFrames(x: Float32Array, frames: number, n: number, nOut: number, out = new Float32Array(frames * nOut)): Float32Array {
  const d = dctMatrix(n, nOut);
  for (let f = 0; f < frames; f++) {
    const xo = f * n;
    const oo = f * nOut;
    for (let k = 0; k < nOut; k++) {
      const ro = k * n;
      let acc = 0;
      for (let m = 0; m < n; m++) acc += d[ro + m] * x[xo + m];
      out[oo + k] = acc;
    }
  }
  return out;
}
