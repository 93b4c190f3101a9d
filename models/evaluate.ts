// Clip-level evaluation of a model folder on manifests: each clip is one event, as the live
// pipeline's energy events present it; decisions include the threshold ('unknown' below it). A clip
// over LONG_CLIP_S s is decided, as `classify` decides it, by the vote of its energy events.
import { initDsp } from '../streams/dsp/fft.ts';
import { readMono } from './audio.ts';
import { loadClassifier } from './classifier.ts';
import { featuresOf } from './features.ts';
import { eventVote, LONG_CLIP_S } from './long-clip.ts';
import { missingClips, readManifests } from './manifest.ts';
import { classificationMetrics, type Metrics } from './metrics.ts';

export interface Evaluation {
  readonly model: string;
  readonly metrics: Metrics;
  /** Rows whose species the model does not know. */
  readonly skipped: number;
  /** Clips longer than LONG_CLIP_S s decided by the vote of their energy events (long-clip.ts). */
  readonly byEvents: number;
}

export async function evaluateClips(manifests: readonly string[], modelDir?: string): Promise<Evaluation> {
  await initDsp();
  const clf = await loadClassifier(modelDir);
  try {
    const clips = readManifests(manifests);
    const missing = missingClips(clips);
    if (missing.length > 0) throw new Error(`${missing.length} clip(s) in the manifests are missing, e.g. ${missing[0].path}`);
    const known = clips.filter((c) => clf.labels.includes(c.species));
    const truth: string[] = [], pred: string[] = [];
    let byEvents = 0;
    for (let i = 0; i < known.length; i += 64) {
      const part = known.slice(i, i + 64);
      // each clip's decision: its events' vote, or the index of its one view in the batch below
      const decided: (string | number)[] = [];
      const xs: Float32Array[] = [];
      for (const c of part) {
        const a = await readMono(c.path);
        if (a.samples.length === 0) throw new Error(`${c.path}: no samples`);
        // as `classify` does: a clip over LONG_CLIP_S s by the vote of its events, when any is a detection
        const vote = a.samples.length > LONG_CLIP_S * a.sampleRate ? await eventVote(a.samples, a.sampleRate, clf) : null;
        if (vote) { decided.push(vote.species); byEvents++; continue; }
        decided.push(xs.length);
        xs.push(featuresOf(a.samples, a.sampleRate, clf.featureConfig));
      }
      const ps = xs.length > 0 ? await clf.predict(xs) : [];
      part.forEach((c, k) => { const d = decided[k]; truth.push(c.species); pred.push(typeof d === 'string' ? d : ps[d].species); });
    }
    return { model: clf.name, metrics: classificationMetrics(truth, pred, clf.labels), skipped: clips.length - known.length, byEvents };
  } finally {
    clf.dispose();
  }
}
