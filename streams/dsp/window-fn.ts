// Analysis windows. librosa's default is scipy.signal.get_window('hann', n, fftbins=True): the
// *periodic* Hann (the symmetric one of length n+1 with its last point dropped), so that frames at
// hop n/4 or n/2 overlap-add to a constant.

/** Periodic Hann window of length n: w[i] = 0.5 − 0.5·cos(2πi/n). */
export function hannPeriodic(n: number): Float32Array {
  if (!Number.isInteger(n) || n < 1) throw new Error(`window length must be a positive integer, got ${n}`);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}
