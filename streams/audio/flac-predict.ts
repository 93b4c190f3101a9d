// FLAC predictors: undo FIXED and LPC prediction in place (s holds warm-up samples, then
// residuals). All math is in doubles, as in the first version of this decoder: for a legal stream
// every product and partial sum is an integer (times 2^−shift, below) far below 2^53, so it is
// exact for 8- to 32-bit audio and for 33-bit side channels, with no 32-bit overflow to guard.
//
// restoreFixed and restoreLpc are the reference loops. The fast loops below compute the same
// numbers in another order, so that the newest sample enters last and the next prediction waits
// on one multiply-add instead of a chain of them (and, for LPC, with no inner loop over the
// order). Another order is exact only while no sum rounds: that holds while every sample stays
// within ±SAFE, which each loop checks as it goes. A corrupt stream can break it; then the loop
// returns false and the caller must read the residuals again and run the reference loop. (Another
// order could also give a zero sum the other sign; adding the residual, never −0, erases that.)

/** Bound on |sample| under which every sum below is exact in any order (see restoreLpcFast). */
const SAFE = 2 ** 33;

export function restoreFixed(s: Float64Array, n: number, order: number): void {
  switch (order) {
    case 0: return;
    case 1: for (let i = 1; i < n; i++) s[i] += s[i - 1]; return;
    case 2: for (let i = 2; i < n; i++) s[i] += 2 * s[i - 1] - s[i - 2]; return;
    case 3: for (let i = 3; i < n; i++) s[i] += 3 * s[i - 1] - 3 * s[i - 2] + s[i - 3]; return;
    default: for (let i = 4; i < n; i++) s[i] += 4 * s[i - 1] - 6 * s[i - 2] + 4 * s[i - 3] - s[i - 4];
  }
}

/** restoreFixed, faster; false if the stream left the range where that is exact. */
export function restoreFixedFast(s: Float64Array, n: number, order: number): boolean {
  switch (order) {
    case 0: return true;
    case 1: return fixed1(s, n);
    case 2: return fixed2(s, n);
    case 3: return fixed3(s, n);
    default: return fixed4(s, n);
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

/**
 * restoreLpc, with a fast loop for orders 1..12 (libFLAC's and ffmpeg's presets stop at 12);
 * false if the stream left the range where that loop is exact. Besides the order of the
 * sum, it scales the coefficients by 2^−shift and adds the residual before the floor:
 * floor(Σ c·s / 2^shift) + r = floor(Σ (c·2^−shift)·s + r) whenever both sides are exact, and
 * with |c| ≤ 2^14 (15-bit coefficients), |s| ≤ 2^33 and shift ≤ 15 every partial sum is a
 * multiple of 2^−shift below 2^(53−shift), so exact; a residual big enough to break that makes
 * the sample exceed SAFE.
 */
export function restoreLpcFast(s: Float64Array, n: number, coefs: Float64Array, shift: number): boolean {
  const fast = LPC[coefs.length];
  if (fast) return fast(s, n, coefs, 2 ** -shift);
  restoreLpc(s, n, coefs, shift);
  return true;
}

function fixed1(s: Float64Array, n: number): boolean {
  let last = s[0];
  for (let i = 1; i < n; i++) {
    last = s[i] + last;
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function fixed2(s: Float64Array, n: number): boolean {
  let last = s[1];
  for (let i = 2; i < n; i++) {
    last = s[i] - s[i - 2] + 2 * last;
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function fixed3(s: Float64Array, n: number): boolean {
  let last = s[2];
  for (let i = 3; i < n; i++) {
    last = s[i] + s[i - 3] - 3 * s[i - 2] + 3 * last;
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function fixed4(s: Float64Array, n: number): boolean {
  let last = s[3];
  for (let i = 4; i < n; i++) {
    last = s[i] - s[i - 4] + 4 * s[i - 3] - 6 * s[i - 2] + 4 * last;
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc1(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale;
  let last = s[0];
  for (let i = 1; i < n; i++) {
    last = Math.floor(s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc2(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale, c1 = c[1] * scale;
  let last = s[1];
  for (let i = 2; i < n; i++) {
    last = Math.floor(c1 * s[i - 2] + s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc3(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale, c1 = c[1] * scale, c2 = c[2] * scale;
  let last = s[2];
  for (let i = 3; i < n; i++) {
    last = Math.floor(c2 * s[i - 3] + c1 * s[i - 2] + s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc4(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale, c1 = c[1] * scale, c2 = c[2] * scale, c3 = c[3] * scale;
  let last = s[3];
  for (let i = 4; i < n; i++) {
    last = Math.floor(c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2] + s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc5(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale, c1 = c[1] * scale, c2 = c[2] * scale, c3 = c[3] * scale, c4 = c[4] * scale;
  let last = s[4];
  for (let i = 5; i < n; i++) {
    last = Math.floor(c4 * s[i - 5] + c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2] + s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc6(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale, c1 = c[1] * scale, c2 = c[2] * scale, c3 = c[3] * scale, c4 = c[4] * scale, c5 = c[5] * scale;
  let last = s[5];
  for (let i = 6; i < n; i++) {
    last = Math.floor(c5 * s[i - 6] + c4 * s[i - 5] + c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2] + s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc7(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale, c1 = c[1] * scale, c2 = c[2] * scale, c3 = c[3] * scale, c4 = c[4] * scale, c5 = c[5] * scale, c6 = c[6] * scale;
  let last = s[6];
  for (let i = 7; i < n; i++) {
    last = Math.floor(c6 * s[i - 7] + c5 * s[i - 6] + c4 * s[i - 5] + c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2] + s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc8(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale, c1 = c[1] * scale, c2 = c[2] * scale, c3 = c[3] * scale, c4 = c[4] * scale, c5 = c[5] * scale, c6 = c[6] * scale, c7 = c[7] * scale;
  let last = s[7];
  for (let i = 8; i < n; i++) {
    last = Math.floor(c7 * s[i - 8] + c6 * s[i - 7] + c5 * s[i - 6] + c4 * s[i - 5] + c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2] + s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc9(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale, c1 = c[1] * scale, c2 = c[2] * scale, c3 = c[3] * scale, c4 = c[4] * scale, c5 = c[5] * scale, c6 = c[6] * scale, c7 = c[7] * scale, c8 = c[8] * scale;
  let last = s[8];
  for (let i = 9; i < n; i++) {
    last = Math.floor(c8 * s[i - 9] + c7 * s[i - 8] + c6 * s[i - 7] + c5 * s[i - 6] + c4 * s[i - 5] + c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2] + s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc10(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale, c1 = c[1] * scale, c2 = c[2] * scale, c3 = c[3] * scale, c4 = c[4] * scale, c5 = c[5] * scale, c6 = c[6] * scale, c7 = c[7] * scale, c8 = c[8] * scale, c9 = c[9] * scale;
  let last = s[9];
  for (let i = 10; i < n; i++) {
    last = Math.floor(c9 * s[i - 10] + c8 * s[i - 9] + c7 * s[i - 8] + c6 * s[i - 7] + c5 * s[i - 6] + c4 * s[i - 5] + c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2] + s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc11(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale, c1 = c[1] * scale, c2 = c[2] * scale, c3 = c[3] * scale, c4 = c[4] * scale, c5 = c[5] * scale, c6 = c[6] * scale, c7 = c[7] * scale, c8 = c[8] * scale, c9 = c[9] * scale, c10 = c[10] * scale;
  let last = s[10];
  for (let i = 11; i < n; i++) {
    last = Math.floor(c10 * s[i - 11] + c9 * s[i - 10] + c8 * s[i - 9] + c7 * s[i - 8] + c6 * s[i - 7] + c5 * s[i - 6] + c4 * s[i - 5] + c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2] + s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

function lpc12(s: Float64Array, n: number, c: Float64Array, scale: number): boolean {
  const c0 = c[0] * scale, c1 = c[1] * scale, c2 = c[2] * scale, c3 = c[3] * scale, c4 = c[4] * scale, c5 = c[5] * scale, c6 = c[6] * scale, c7 = c[7] * scale, c8 = c[8] * scale, c9 = c[9] * scale, c10 = c[10] * scale, c11 = c[11] * scale;
  let last = s[11];
  for (let i = 12; i < n; i++) {
    last = Math.floor(c11 * s[i - 12] + c10 * s[i - 11] + c9 * s[i - 10] + c8 * s[i - 9] + c7 * s[i - 8] + c6 * s[i - 7] + c5 * s[i - 6] + c4 * s[i - 5] + c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2] + s[i] + c0 * last);
    s[i] = last;
    if (!(last <= SAFE && last >= -SAFE)) return false;
  }
  return true;
}

const LPC: readonly (((s: Float64Array, n: number, c: Float64Array, scale: number) => boolean) | undefined)[] = [
  undefined, lpc1, lpc2, lpc3, lpc4, lpc5, lpc6, lpc7, lpc8, lpc9, lpc10, lpc11, lpc12,
];
