// A classified window becomes a detection when the model names a species (not background, not
// unknown) with enough confidence. The id is a hash of what the detection is — station, span,
// species, model — so replaying an archive yields the same ids and a store can drop repeats.
import { createHash } from 'node:crypto';
import type { Detection, WindowResult } from './types.ts';

/** Labels that mean "no animal here". */
export const NON_DETECTIONS: ReadonlySet<string> = new Set(['background', 'noise', 'unknown']);

export function detectionId(station: string, start: number, end: number, species: string, model: string): string {
  return createHash('sha1').update(`${station}|${start.toFixed(3)}|${end.toFixed(3)}|${species}|${model}`).digest('hex').slice(0, 20);
}

export function toDetection(r: WindowResult, model: string, minConfidence = 0): Detection | null {
  const p = r.prediction;
  if (!p || NON_DETECTIONS.has(p.species.toLowerCase()) || p.confidence < minConfidence) return null;
  const w = r.window;
  return {
    id: detectionId(w.station, w.start, w.end, p.species, model),
    station: w.station,
    species: p.species,
    confidence: p.confidence,
    start: w.start,
    end: w.end,
    model,
    ...(w.origin ? { origin: w.origin } : {}),
    ...(w.freqLowHz !== undefined ? { freqLowHz: w.freqLowHz } : {}),
    ...(w.freqHighHz !== undefined ? { freqHighHz: w.freqHighHz } : {}),
  };
}
