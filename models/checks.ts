// Checks the model card reports beyond plain validation metrics: the same validation clips
// resampled to other recorder rates, and the right-whale streaming check.
import type { FeatureConfig } from '../streams/types.ts';
import { readMono, toRate, type MonoAudio } from './audio.ts';
import { featuresOf } from './features.ts';
import type { Clip } from './manifest.ts';
import { classificationMetrics, type Metrics } from './metrics.ts';
import { scoreRecording, streamMetrics, type ProbsFn, type RecordingScores, type StreamMetrics } from './stream-check.ts';
import type { ContinuousRecording } from './annotations.ts';
import type { NoiseGateOptions } from '../streams/dsp/noise-gate.ts';
import { argmaxOf } from './clip-aggregate.ts';

export interface ResampleCheck {
  readonly rate: number | 'native';
  readonly metrics: Metrics;
}

/** Top-label metrics of `clips` read at their native rate and resampled to each of `rates`. */
export async function resampleCheck(clips: readonly Clip[], probs: ProbsFn, labels: readonly string[], cfg: FeatureConfig, rates: readonly number[]): Promise<ResampleCheck[]> {
  const audio: MonoAudio[] = [];
  for (const c of clips) audio.push(await readMono(c.path));
  const out: ResampleCheck[] = [];
  for (const rate of ['native' as const, ...rates]) {
    const xs = audio.map((a) => (rate === 'native' ? featuresOf(a.samples, a.sampleRate, cfg) : featuresOf(toRate(a.samples, a.sampleRate, rate), rate, cfg)));
    const ps = await probs(xs);
    out.push({ rate, metrics: classificationMetrics(clips.map((c) => c.species), ps.map((p) => labels[argmaxOf(p)]), labels) });
  }
  return out;
}

export interface StreamCheck {
  readonly annotated: string[];
  readonly background: string[];
  /** At the model's calibrated threshold. */
  readonly atThreshold: StreamMetrics;
  /** At the lowest threshold whose background false alarms stay ≤ 10/h (tuned on the check's own background: optimistic). */
  readonly atTenPerHour: StreamMetrics | null;
  readonly sweep: StreamMetrics[];
  /** The live pipeline's path (views over one stream STFT), without and with the noise gate, at the threshold. */
  readonly gate: { readonly off: StreamMetrics; readonly on: StreamMetrics } | null;
}

export async function streamCheck(recs: readonly ContinuousRecording[], probs: ProbsFn, labels: readonly string[], target: string, cfg: FeatureConfig, threshold: number, withGate = true): Promise<StreamCheck> {
  const annotated: RecordingScores[] = [], background: RecordingScores[] = [];
  // The live pipeline's path (windows as views over one STFT of the whole stream), not each
  // window's own STFT: the threshold is chosen on this sweep, and the two differ at the window
  // edges enough that a threshold tuned on standalone windows let 72 false alarms/h through live.
  for (const r of recs) (r.species ? annotated : background).push(await scoreRecording(r, probs, labels, target, cfg, null));
  const sweep = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98].map((t) => streamMetrics(annotated, background, target, t));
  const ok = sweep.filter((s) => s.backgroundFaPerHour <= 10);
  const viaStream = async (gate: NoiseGateOptions | null): Promise<StreamMetrics> => {
    const ann: RecordingScores[] = [], bg: RecordingScores[] = [];
    for (const r of recs) (r.species ? ann : bg).push(await scoreRecording(r, probs, labels, target, cfg, gate));
    return streamMetrics(ann, bg, target, threshold);
  };
  const gateCheck = withGate ? { off: streamMetrics(annotated, background, target, threshold), on: await viaStream({}) } : null;
  return {
    gate: gateCheck,
    annotated: annotated.map((a) => a.path),
    background: background.map((b) => b.path),
    atThreshold: streamMetrics(annotated, background, target, threshold),
    atTenPerHour: ok.length > 0 ? ok[0] : null,
    sweep,
  };
}
