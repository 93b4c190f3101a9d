// The JSON lines `hydromon replay` and `hydromon listen` print: one per detection (or per window
// when asked), with times as ISO UTC, so a replay can be diffed against the live run it repeats.
import type { Detection, Window, WindowResult } from '../../streams/types.ts';

export interface WindowLine {
  readonly station: string;
  readonly kind: string;
  readonly start: string;
  readonly end: string;
  readonly offset_s: number;
  readonly duration_s: number;
  readonly file?: string;
  readonly species?: string;
  readonly confidence?: number;
  readonly freq_low_hz?: number;
  readonly freq_high_hz?: number;
}

export interface DetectionLine extends WindowLine {
  readonly id: string;
  readonly species: string;
  readonly confidence: number;
  readonly model: string;
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** Offset into the source file when known, else seconds since the stream's first sample. */
function offsetOf(w: { start: number; origin?: Window['origin'] }, streamStart: number): number {
  return round(w.origin ? w.origin.offsetS : (w.start - streamStart) / 1000);
}

export function windowLine(r: WindowResult, streamStart: number): WindowLine {
  const w = r.window;
  return {
    station: w.station,
    kind: w.kind,
    start: new Date(w.start).toISOString(),
    end: new Date(w.end).toISOString(),
    offset_s: offsetOf(w, streamStart),
    duration_s: round((w.end - w.start) / 1000),
    ...(w.origin ? { file: w.origin.file } : {}),
    ...(r.prediction ? { species: r.prediction.species, confidence: round(r.prediction.confidence, 4) } : {}),
    ...(w.freqLowHz !== undefined ? { freq_low_hz: round(w.freqLowHz, 1) } : {}),
    ...(w.freqHighHz !== undefined ? { freq_high_hz: round(w.freqHighHz, 1) } : {}),
  };
}

export function detectionLine(d: Detection, streamStart: number): DetectionLine {
  return {
    id: d.id,
    station: d.station,
    kind: 'detection',
    species: d.species,
    confidence: round(d.confidence, 4),
    model: d.model,
    start: new Date(d.start).toISOString(),
    end: new Date(d.end).toISOString(),
    offset_s: offsetOf(d, streamStart),
    duration_s: round((d.end - d.start) / 1000),
    ...(d.origin ? { file: d.origin.file } : {}),
    ...(d.freqLowHz !== undefined ? { freq_low_hz: round(d.freqLowHz, 1) } : {}),
    ...(d.freqHighHz !== undefined ? { freq_high_hz: round(d.freqHighHz, 1) } : {}),
  };
}

/** The human line for a terminal without --json. */
export function humanLine(l: WindowLine): string {
  const what = l.species ? `${l.species} ${((l.confidence ?? 0) * 100).toFixed(1)}%` : l.kind;
  return `${l.start}  ${l.station.padEnd(12)} ${what.padEnd(34)} +${l.offset_s.toFixed(2)}s  ${l.duration_s.toFixed(2)}s`;
}
