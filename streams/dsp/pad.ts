// Edge padding for centred STFT frames, as numpy.pad does it for librosa.

export type PadMode = 'reflect' | 'constant';

/**
 * Index into x[0 .. len) for a padded position i (may be < 0 or ≥ len), numpy 'reflect' style
 * (mirror without repeating the edge sample; repeats periodically for pads longer than the
 * signal). Returns -1 for 'constant' outside the signal, meaning "zero".
 */
export function padIndex(i: number, len: number, mode: PadMode): number {
  if (i >= 0 && i < len) return i;
  if (mode === 'constant' || len <= 0) return -1;
  if (len === 1) return 0;
  const period = 2 * (len - 1);
  let j = i % period;
  if (j < 0) j += period;
  return j < len ? j : period - j;
}

/** x padded by `left` and `right` samples on each side. */
export function padSignal(x: Float32Array, left: number, right: number, mode: PadMode): Float32Array {
  const len = x.length;
  const out = new Float32Array(len + left + right);
  out.set(x, left);
  for (let i = -left; i < 0; i++) {
    const j = padIndex(i, len, mode);
    out[i + left] = j < 0 ? 0 : x[j];
  }
  for (let i = len; i < len + right; i++) {
    const j = padIndex(i, len, mode);
    out[i + left] = j < 0 ? 0 : x[j];
  }
  return out;
}
