// Checks that a parsed JSON value is a Detection / Encounter / StationStatus before the embedded
// store trusts it: files on disk may be torn, edited by hand or from an older version.
import type { Detection, Encounter, SourceState, StationStatus } from '../../streams/types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function asDetection(v: unknown): Detection | undefined {
  if (!isObj(v)) return undefined;
  const { id, station, species, confidence, start, end, model } = v;
  if (!isStr(id) || !isStr(station) || !isStr(species) || !isStr(model)) return undefined;
  if (!isNum(confidence) || !isNum(start) || !isNum(end)) return undefined;
  const o = v.origin;
  return {
    id, station, species, confidence, start, end, model,
    ...(isObj(o) && isStr(o.file) && isNum(o.offsetS) ? { origin: { file: o.file, offsetS: o.offsetS } } : {}),
    ...(isNum(v.freqLowHz) ? { freqLowHz: v.freqLowHz } : {}),
    ...(isNum(v.freqHighHz) ? { freqHighHz: v.freqHighHz } : {}),
    ...(isStr(v.clip) ? { clip: v.clip } : {}),
  };
}

export function asEncounter(v: unknown): Encounter | undefined {
  if (!isObj(v)) return undefined;
  const { id, station, species, start, end, count, peakConfidence } = v;
  if (!isStr(id) || !isStr(station) || !isStr(species)) return undefined;
  if (!isNum(start) || !isNum(end) || !isNum(count) || !isNum(peakConfidence)) return undefined;
  return { id, station, species, start, end, count, peakConfidence };
}

// A Record, not a list: tsc fails here when SourceState gains a state, so rows in it are not dropped.
const STATES: Readonly<Record<SourceState, true>> = { connecting: true, live: true, stalled: true, down: true, faulted: true, ended: true, waiting: true };
const isState = (v: unknown): v is SourceState => isStr(v) && Object.hasOwn(STATES, v);

export function asStatus(v: unknown): StationStatus | undefined {
  if (!isObj(v)) return undefined;
  const { station, state, rmsDb, lagS, gapS, samples, at } = v;
  if (!isStr(station) || !isState(state)) return undefined;
  if (!(rmsDb === null || isNum(rmsDb)) || !isNum(lagS) || !isNum(gapS) || !isNum(samples) || !isNum(at)) return undefined;
  return {
    station, state, rmsDb, lagS, gapS, samples, at,
    ...(isNum(v.behindS) ? { behindS: v.behindS } : {}),
    ...(isStr(v.message) ? { message: v.message } : {}),
  };
}
