// Classifies one audio file as a single event (the whole file → one fixedFeatures matrix).
import { initDsp } from '../streams/dsp/fft.ts';
import { readMono } from './audio.ts';
import { loadClassifier } from './classifier.ts';
import { featuresOf } from './features.ts';

export interface FileClassification {
  readonly file: string;
  readonly model: string;
  readonly species: string;
  readonly confidence: number;
  readonly threshold: number;
  readonly top: { label: string; probability: number }[];
}

export async function classifyFile(file: string, modelDir?: string, topN = 3): Promise<FileClassification> {
  await initDsp();
  // Read first: a missing or broken file fails with its own message before the model loads.
  const a = await readMono(file);
  if (a.samples.length === 0) throw new Error(`${file}: no samples`);
  const clf = await loadClassifier(modelDir);
  try {
    const [p] = await clf.predict([featuresOf(a.samples, a.sampleRate, clf.featureConfig)]);
    const probs = p.probs ?? new Float32Array(clf.labels.length);
    const top = clf.labels.map((label, j) => ({ label, probability: probs[j] })).sort((x, y) => y.probability - x.probability).slice(0, topN);
    return { file, model: clf.name, species: p.species, confidence: p.confidence, threshold: clf.threshold, top };
  } finally {
    clf.dispose();
  }
}
