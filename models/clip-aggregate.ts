// Ways to turn one clip (or one long event) into one decision from the model's outputs: the
// whole clip as a single view (what `evaluate` and `classify` do), or sliding windows over it whose
// probabilities are combined. None of them looks at a label; they are what a user could run.

/** Start/end sample of `windowS`-second windows every `hopS` seconds covering [0, n); one span when the clip is no longer than a window. */
export function windowSpans(n: number, sampleRate: number, windowS: number, hopS: number): Array<[number, number]> {
  if (!(windowS > 0) || !(hopS > 0)) throw new Error(`windows: need windowS > 0 and hopS > 0, got ${windowS}, ${hopS}`);
  const w = Math.round(windowS * sampleRate), h = Math.max(1, Math.round(hopS * sampleRate));
  if (n <= w) return [[0, n]];
  const spans: Array<[number, number]> = [];
  for (let s = 0; s + w <= n; s += h) spans.push([s, s + w]);
  const last = spans[spans.length - 1][1];
  if (last < n) spans.push([n - w, n]); // the tail, so the end of the clip is heard too
  return spans;
}

export function argmaxOf(p: ArrayLike<number>, skip = -1): number {
  let best = -1;
  for (let j = 0; j < p.length; j++) if (j !== skip && (best < 0 || p[j] > p[best])) best = j;
  return best;
}

/** Arithmetic mean of probability rows. */
export function meanProbs(rows: readonly ArrayLike<number>[]): Float32Array {
  if (rows.length === 0) throw new Error('aggregate: no views');
  const k = rows[0].length, out = new Float32Array(k);
  for (const r of rows) for (let j = 0; j < k; j++) out[j] += r[j] / rows.length;
  return out;
}

/** Normalised geometric mean (mean log-probability, renormalised). */
export function geoMeanProbs(rows: readonly ArrayLike<number>[]): Float32Array {
  if (rows.length === 0) throw new Error('aggregate: no views');
  const k = rows[0].length, lg = new Float64Array(k);
  for (const r of rows) for (let j = 0; j < k; j++) lg[j] += Math.log(Math.max(1e-12, r[j])) / rows.length;
  const m = Math.max(...lg);
  const e = Array.from(lg, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return Float32Array.from(e, (v) => v / s);
}

/** The single view whose top probability is highest. */
export function maxConfidence(rows: readonly ArrayLike<number>[]): Float32Array {
  if (rows.length === 0) throw new Error('aggregate: no views');
  let best = 0, bestP = -1;
  rows.forEach((r, i) => { const p = r[argmaxOf(r)]; if (p > bestP) { bestP = p; best = i; } });
  return Float32Array.from(rows[best]);
}

/**
 * Mean over the views whose top label is not `ignore` (e.g. background: the quiet windows of a
 * clip say nothing about the animal); the mean of all views when every one is `ignore`.
 */
export function meanOfCalls(rows: readonly ArrayLike<number>[], ignore: number): Float32Array {
  const calls = rows.filter((r) => argmaxOf(r) !== ignore);
  return meanProbs(calls.length > 0 ? calls : rows);
}
