// Classifies one audio file. Up to LONG_CLIP_S seconds the whole file is one event (one
// fixedFeatures matrix, as the clips the model learned from); a longer file is heard as a station
// hears it, event by event, and the species with the most detections wins (long-clip.ts).
import { initDsp } from '../streams/dsp/fft.ts';
import { readMono } from './audio.ts';
import { loadClassifier } from './classifier.ts';
import { featuresOf } from './features.ts';
import { eventVote, LONG_CLIP_S, type EventVote } from './long-clip.ts';

export interface FileClassification {
  readonly file: string;
  readonly model: string;
  readonly species: string;
  readonly confidence: number;
  readonly threshold: number;
  /** 'whole': the file as one view; 'events': the vote of its energy events (files over LONG_CLIP_S s with at least one detection). */
  readonly method: 'whole' | 'events';
  readonly seconds: number;
  /** The whole view's top labels (also for a long file: what the one blurred view says). */
  readonly top: { label: string; probability: number }[];
  /** For 'events': events cut, detections and the detections per species. */
  readonly events?: Omit<EventVote, 'species' | 'confidence'>;
}

export async function classifyFile(file: string, modelDir?: string, topN = 3): Promise<FileClassification> {
  await initDsp();
  // Read first: a missing or broken file fails with its own message before the model loads.
  const a = await readMono(file);
  if (a.samples.length === 0) throw new Error(`${file}: no samples`);
  const clf = await loadClassifier(modelDir);
  try {
    const seconds = a.samples.length / a.sampleRate;
    const [p] = await clf.predict([featuresOf(a.samples, a.sampleRate, clf.featureConfig)]);
    const probs = p.probs ?? new Float32Array(clf.labels.length);
    const top = clf.labels.map((label, j) => ({ label, probability: probs[j] })).sort((x, y) => y.probability - x.probability).slice(0, topN);
    const base = { file, model: clf.name, threshold: clf.threshold, seconds, top };
    const vote = seconds > LONG_CLIP_S ? await eventVote(a.samples, a.sampleRate, clf) : null;
    if (vote) {
      const { species, confidence, ...events } = vote;
      return { ...base, species, confidence, method: 'events', events };
    }
    return { ...base, species: p.species, confidence: p.confidence, method: 'whole' };
  } finally {
    clf.dispose();
  }
}
