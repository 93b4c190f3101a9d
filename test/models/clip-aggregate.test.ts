import { describe, expect, it } from 'vitest';
import { argmaxOf, geoMeanProbs, maxConfidence, meanOfCalls, meanProbs, windowSpans } from '../../models/clip-aggregate.ts';
import { RULES, score, type ClipViews } from '../../scripts/aggregation-study.ts';

const row = (...p: number[]): Float32Array => Float32Array.from(p);

describe('windowSpans', () => {
  it('gives one span for a clip no longer than a window', () => {
    expect(windowSpans(1000, 1000, 2, 1)).toEqual([[0, 1000]]);
    expect(windowSpans(2000, 1000, 2, 1)).toEqual([[0, 2000]]);
  });
  it('steps by the hop and adds a tail window so the end is covered', () => {
    expect(windowSpans(4500, 1000, 2, 1)).toEqual([[0, 2000], [1000, 3000], [2000, 4000], [2500, 4500]]);
    expect(windowSpans(4000, 1000, 2, 1)).toEqual([[0, 2000], [1000, 3000], [2000, 4000]]);
    for (const [s, e] of windowSpans(123457, 32000, 2, 0.5)) expect(e - s).toBe(64000);
  });
  it('rejects empty windows or hops', () => {
    expect(() => windowSpans(10, 10, 0, 1)).toThrow(/windowS/);
    expect(() => windowSpans(10, 10, 1, 0)).toThrow(/hopS/);
  });
});

describe('aggregation rules', () => {
  const a = row(0.7, 0.2, 0.1), b = row(0.1, 0.3, 0.6), quiet = row(0.05, 0.05, 0.9);
  it('argmaxOf can leave a class out', () => {
    expect(argmaxOf(quiet)).toBe(2);
    expect(argmaxOf(quiet, 2)).toBe(0);
  });
  it('mean and geometric mean of probability rows', () => {
    expect([...meanProbs([a, b])].map((v) => +v.toFixed(6))).toEqual([0.4, 0.25, 0.35]);
    const g = geoMeanProbs([a, b]);
    const raw = [Math.sqrt(0.07), Math.sqrt(0.06), Math.sqrt(0.06)];
    const s = raw.reduce((x, y) => x + y, 0);
    raw.forEach((v, j) => expect(g[j]).toBeCloseTo(v / s, 6));
    expect(() => meanProbs([])).toThrow(/no views/);
  });
  it('max confidence picks the single most confident view', () => {
    expect([...maxConfidence([a, b, quiet])]).toEqual([...quiet]);
    expect([...maxConfidence([a, b])]).toEqual([...a]);
  });
  it('mean of non-background views drops the quiet windows, and falls back to all of them', () => {
    // with the quiet window the mean votes class 2 (background here); without it, class 0
    expect(argmaxOf(meanProbs([a, b, quiet]))).toBe(2);
    expect(argmaxOf(meanOfCalls([a, b, quiet], 2))).toBe(0);
    expect([...meanOfCalls([quiet, quiet], 2)]).toEqual([...quiet]);
  });
  it('scores clips without looking at their labels to decide', () => {
    const labels = ['x', 'y', 'background'];
    const clips: ClipViews[] = [
      { species: 'x', seconds: 5, whole: quiet, windows: [a, a, quiet] },
      { species: 'y', seconds: 1, whole: b, windows: [b] },
    ];
    const current = score(labels, clips, RULES['whole clip (current)']);
    expect(current.accuracy).toBe(0); // quiet → background; b → background (0.6)
    expect(current.predictedBackground).toBe(2);
    const calls = score(labels, clips, RULES['2 s windows + whole: mean of non-background views']);
    expect(calls.accuracy).toBe(0.5); // clip 1 from its two call windows; clip 2 has no call view
    // species only: quiet → x (tie at 0.05, the first), b → y (0.3)
    const speciesOnly = score(labels, clips, RULES['whole clip, species only']);
    expect(speciesOnly.accuracy).toBe(1);
    expect(speciesOnly.predictedBackground).toBe(0);
  });
});
