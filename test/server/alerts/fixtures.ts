import type { Detection, StationStatus } from '../../../streams/types.ts';

export const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);

let n = 0;
export function call(atS: number, over: Partial<Detection> = {}): Detection {
  const start = T0 + atS * 1000;
  return { id: `d${n++}`, station: 'lab', species: 'orca', confidence: 0.8, start, end: start + 1000, model: 'm', ...over };
}

export function st(atS: number, state: StationStatus['state'], over: Partial<StationStatus> = {}): StationStatus {
  return { station: 'lab', state, rmsDb: -40, lagS: 0, gapS: 0, samples: 0, at: T0 + atS * 1000, ...over };
}
