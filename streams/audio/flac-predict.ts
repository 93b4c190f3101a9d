// FLAC predictors: undo FIXED and LPC prediction in place (s holds warm-up samples, then
// residuals). The math is in doubles: for a legal stream every product and partial sum is an
// integer far below 2^53, so it is exact for 8- to 32-bit audio and for 33-bit side channels.

export function restoreFixed(s: Float64Array, n: number, order: number): void {
  switch (order) {
    case 0: return;
    case 1: for (let i = 1; i < n; i++) s[i] += s[i - 1]; return;
    case 2: for (let i = 2; i < n; i++) s[i] += 2 * s[i - 1] - s[i - 2]; return;
    case 3: for (let i = 3; i < n; i++) s[i] += 3 * s[i - 1] - 3 * s[i - 2] + s[i - 3]; return;
    default: for (let i = 4; i < n; i++) s[i] += 4 * s[i - 1] - 6 * s[i - 2] + 4 * s[i - 3] - s[i - 4];
  }
}

/** s[i] += floor(Σ coefs[j]·s[i−1−j] / 2^shift) for i ≥ order, summing over j in order. */
export function restoreLpc(s: Float64Array, n: number, coefs: Float64Array, shift: number): void {
  const order = coefs.length;
  const div = 2 ** shift;
  for (let i = order; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < order; j++) sum += coefs[j] * s[i - 1 - j];
    s[i] += Math.floor(sum / div); // arithmetic shift right, as the encoder did
  }
}
