// Detections with known answers for the store tests (made here, not read from disk).
import type { Detection, StationStatus } from '../../../streams/types.ts';

export const T0 = Date.UTC(2026, 10, 24, 3, 0, 0); // inside any retention policy while these tests live

export function det(i: number, over: Partial<Detection> = {}): Detection {
  return {
    id: `det-${i}`,
    station: i % 2 === 0 ? 'orcasound_lab' : 'bush point',
    species: ['orca', 'humpback', 'minke'][i % 3],
    confidence: 0.5 + (i % 50) / 100,
    start: T0 + i * 1000 + 0.25,
    end: T0 + i * 1000 + 1500.25,
    model: 'mfcc-cnn-v1',
    ...over,
  };
}

export function status(station: string, at: number, over: Partial<StationStatus> = {}): StationStatus {
  return { station, state: 'live', rmsDb: -42.5, lagS: 0.2, gapS: 0, samples: 48000, at, ...over };
}
