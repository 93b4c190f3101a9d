// The right-whale streaming check: slide the live pipeline's windows (2 s, hop 1 s) over held-out
// continuous recordings, and count annotated calls hit by a detection and false alarms per hour.
import type { FeatureConfig } from '../streams/types.ts';
import type { ContinuousRecording } from './annotations.ts';
import type { NoiseGateOptions } from '../streams/dsp/noise-gate.ts';
import { readMono, toRate } from './audio.ts';
import { streamMel, windowFeatures } from './stream-mel.ts';
import { BACKGROUND } from './dataset.ts';
import { featuresOf } from './features.ts';

export type ProbsFn = (xs: readonly Float32Array[]) => Promise<Float32Array[]>;

export interface WindowScore {
  readonly t0: number;
  readonly t1: number;
  /** Probability of the target species. */
  readonly pTarget: number;
  /** Top non-background label and its probability. */
  readonly top: string;
  readonly pTop: number;
  readonly pBackground: number;
}

export interface RecordingScores {
  readonly path: string;
  readonly durationS: number;
  readonly calls: readonly { startS: number; endS: number }[];
  readonly windows: WindowScore[];
}

/**
 * Scores 2 s windows every 1 s. `gate`: undefined computes each window's features from its own
 * samples (as training did); null or options take them as views over one stream STFT at the
 * analysis rate, without or with the noise gate — the live pipeline's path.
 */
export async function scoreRecording(rec: ContinuousRecording, probs: ProbsFn, labels: readonly string[], target: string, cfg: FeatureConfig, gate?: NoiseGateOptions | null, windowS = 2, hopS = 1): Promise<RecordingScores> {
  const native = await readMono(rec.path);
  const viaStream = gate !== undefined;
  const a = viaStream ? { samples: toRate(native.samples, native.sampleRate, cfg.sampleRate), sampleRate: cfg.sampleRate } : native;
  const mel = viaStream ? streamMel(a.samples, cfg, gate) : null;
  const sr = a.sampleRate, W = Math.round(windowS * sr), H = Math.round(hopS * sr);
  const ti = labels.indexOf(target);
  const bi = labels.indexOf(BACKGROUND);
  const windows: WindowScore[] = [];
  const starts: number[] = [];
  for (let s = 0; s + W <= a.samples.length; s += H) starts.push(s);
  for (let i = 0; i < starts.length; i += 128) {
    const chunk = starts.slice(i, i + 128);
    const xs = chunk.map((s) => (mel ? windowFeatures(a.samples, mel, s, s + W, cfg) : featuresOf(a.samples.subarray(s, s + W), sr, cfg)));
    const ps = await probs(xs);
    ps.forEach((p, k) => {
      let top = -1;
      for (let j = 0; j < p.length; j++) if (labels[j] !== BACKGROUND && (top < 0 || p[j] > p[top])) top = j;
      windows.push({ t0: chunk[k] / sr, t1: (chunk[k] + W) / sr, pTarget: ti >= 0 ? p[ti] : 0, top: labels[top], pTop: p[top], pBackground: bi >= 0 ? p[bi] : 0 });
    });
  }
  return { path: rec.path, durationS: a.samples.length / sr, calls: rec.calls, windows };
}

export interface StreamMetrics {
  readonly threshold: number;
  readonly calls: number;
  readonly hit: number;
  readonly recall: number;
  /** Detections (windows) of any species on call-free background recordings, per hour. */
  readonly backgroundFaPerHour: number;
  /** Same, with runs of consecutive detecting windows counted once. */
  readonly backgroundFaEventsPerHour: number;
  /** Target-species windows on the annotated recording farther than ±1 s from any call, per hour. */
  readonly offCallPerHour: number;
  readonly backgroundHours: number;
}

/**
 * A window detects when its top non-background label reaches `threshold` and beats background
 * (argmax). A call is hit by a target detection overlapping [start − 1 s, end + 1 s].
 */
export function streamMetrics(annotated: readonly RecordingScores[], background: readonly RecordingScores[], target: string, threshold: number): StreamMetrics {
  const isDetection = (w: WindowScore): boolean => w.pTop >= threshold && w.pTop >= w.pBackground;
  let calls = 0, hit = 0, offCall = 0, annHours = 0;
  for (const r of annotated) {
    annHours += r.durationS / 3600;
    for (const c of r.calls) {
      calls++;
      if (r.windows.some((w) => w.top === target && isDetection(w) && w.t0 < c.endS + 1 && w.t1 > c.startS - 1)) hit++;
    }
    for (const w of r.windows) {
      if (w.top === target && isDetection(w) && !r.calls.some((c) => w.t0 < c.endS + 1 && w.t1 > c.startS - 1)) offCall++;
    }
  }
  let fa = 0, faEvents = 0, bgHours = 0;
  for (const r of background) {
    bgHours += r.durationS / 3600;
    let prev = false;
    for (const w of r.windows) {
      const d = isDetection(w);
      if (d) fa++;
      if (d && !prev) faEvents++;
      prev = d;
    }
  }
  return {
    threshold, calls, hit, recall: calls > 0 ? hit / calls : 0,
    backgroundFaPerHour: bgHours > 0 ? fa / bgHours : 0,
    backgroundFaEventsPerHour: bgHours > 0 ? faEvents / bgHours : 0,
    offCallPerHour: annHours > 0 ? offCall / annHours : 0,
    backgroundHours: bgHours,
  };
}
