// Clip-level classification metrics with the field names the `evaluate --json` output promises.

export interface ClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface Metrics {
  readonly n: number;
  readonly accuracy: number;
  /** Mean F1 over labels with support > 0 (labels absent from the truth do not dilute it). */
  readonly macro_f1: number;
  readonly per_class: Record<string, ClassMetrics>;
  /** matrix[i][j]: clips of true labels[i] predicted as labels[j]. */
  readonly confusion: { readonly labels: string[]; readonly matrix: number[][] };
}

/** Metrics of predicted vs true label names. Labels are the union of `labels` and both lists. */
export function classificationMetrics(truth: readonly string[], pred: readonly string[], labels: readonly string[] = []): Metrics {
  if (truth.length !== pred.length) throw new Error(`metrics: ${truth.length} truths but ${pred.length} predictions`);
  const all = [...labels];
  for (const l of [...truth, ...pred]) if (!all.includes(l)) all.push(l);
  const idx = new Map(all.map((l, i) => [l, i]));
  const m = all.map(() => all.map(() => 0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    m[idx.get(truth[i])!][idx.get(pred[i])!]++;
    if (truth[i] === pred[i]) correct++;
  }
  const per: Record<string, ClassMetrics> = {};
  const f1s: number[] = [];
  all.forEach((l, i) => {
    const tp = m[i][i];
    const support = m[i].reduce((a, b) => a + b, 0);
    const predicted = m.reduce((a, row) => a + row[i], 0);
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    per[l] = { precision, recall, f1, support };
    if (support > 0) f1s.push(f1);
  });
  return {
    n: truth.length,
    accuracy: truth.length > 0 ? correct / truth.length : 0,
    macro_f1: f1s.length > 0 ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0,
    per_class: per,
    confusion: { labels: all, matrix: m },
  };
}

/** Mean and sample standard deviation. */
export function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}
