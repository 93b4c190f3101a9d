// A file much longer than the clips the model learned from is not one call: squeezed into one
// 64-frame view it becomes a blur of noise and calls (on 30 s recordings built from the unseen-tape
// clips, the whole view named 9.7 % right against 54.0 % here, mean of six split models;
// scripts/aggregation-study.ts --long 30). Such a file is heard the way a station hears it: the live pipeline's energy events,
// each classified, and the species with the most detections wins.
import { from, lastValueFrom, toArray } from 'rxjs';
import { EVENT_DEFAULTS } from '../streams/operators/events.ts';
import { stationPipeline } from '../streams/station.ts';
import type { PcmChunk, WindowClassifier } from '../streams/types.ts';

/** Files longer than this are classified by their events (the Watkins training clips are at most 8.7 s, six of the 37 killer-whale clips 10–17 s). */
export const LONG_CLIP_S = 10;

export interface EventVote {
  readonly species: string;
  /** Mean confidence of the winning species' detections. */
  readonly confidence: number;
  /** Events the detector cut, and how many of them were detections (any species). */
  readonly events: number;
  readonly detections: number;
  /** Detections per species, most first. */
  readonly votes: readonly { readonly species: string; readonly detections: number; readonly confidence: number }[];
}

/**
 * The file's energy events through the model, as `hydromon replay --events --window 0` would make
 * them; null when no event is a detection. Ties go to the higher summed confidence.
 */
export async function eventVote(samples: Float32Array, sampleRate: number, model: WindowClassifier): Promise<EventVote | null> {
  const chunk = Math.max(1, Math.round(sampleRate)); // one-second chunks, as a source delivers them
  const chunks: PcmChunk[] = [];
  for (let i = 0, seq = 0; i < samples.length; i += chunk, seq++) {
    chunks.push({ station: 'clip', sampleRate, samples: samples.subarray(i, i + chunk), t0: (i / sampleRate) * 1000, seq });
  }
  const out = await lastValueFrom(stationPipeline({
    station: 'clip', source: () => from(chunks), featureConfig: model.featureConfig, model,
    sliding: false, events: EVENT_DEFAULTS, restart: false, statusEveryMs: 1e9,
  }).pipe(toArray()));
  let events = 0;
  const tally = new Map<string, { detections: number; sum: number }>();
  for (const e of out) {
    if (e.type === 'result' && e.result.window.kind === 'event') events++;
    if (e.type !== 'detection') continue;
    const t = tally.get(e.detection.species) ?? { detections: 0, sum: 0 };
    t.detections++; t.sum += e.detection.confidence;
    tally.set(e.detection.species, t);
  }
  const votes = [...tally].map(([species, t]) => ({ species, detections: t.detections, confidence: t.sum / t.detections, sum: t.sum }))
    .sort((a, b) => b.detections - a.detections || b.sum - a.sum);
  if (votes.length === 0) return null;
  return {
    species: votes[0].species, confidence: votes[0].confidence, events, detections: votes.reduce((n, v) => n + v.detections, 0),
    votes: votes.map(({ species, detections, confidence }) => ({ species, detections, confidence })),
  };
}
