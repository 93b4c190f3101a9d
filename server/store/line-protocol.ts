// InfluxDB line protocol for the points the monitor writes. Pure: the live writer and the
// on-disk spool share it, so a spooled point is byte-for-byte the point that would have been sent.
//
// Schema (InfluxDB's guidance: few, low-cardinality tags; everything unique is a field):
//   detection       tags station, species, model
//                   fields confidence, duration_s, detection_id, [offset_s, file, freq_low_hz,
//                   freq_high_hz, clip]; time = start
//   station_health  tag station; fields status, rms_db, lag_s, gap_s, samples, [behind_s, message];
//                   time = at
//   encounter       tags station, species; fields encounter_id, duration_s, count,
//                   peak_confidence; time = start
//
// Idempotency: InfluxDB keeps one point per (measurement, tag set, timestamp). The timestamp is the
// start in whole ms plus a sub-ms nanosecond offset derived from a hash of the detection id, so the
// same detection always lands on the same point (re-sending after an outage overwrites itself),
// while two different detections starting in the same ms get different timestamps
// (they collide only if their hashes agree mod 10^6: about one in a million pairs).
import { createHash } from 'node:crypto';
import type { Detection, Encounter, StationStatus } from '../../streams/types.ts';

const NS_PER_MS = 1_000_000n;

/** 0 ≤ offset < 10^6 ns, a pure function of the id. */
export function idOffsetNs(id: string): bigint {
  const h = createHash('sha1').update(id).digest();
  return BigInt(h.readUInt32BE(0) % 1_000_000);
}

/** Nanosecond timestamp of a point that starts at `ms` and belongs to `id`. */
export function pointTimeNs(ms: number, id: string): bigint {
  return BigInt(Math.floor(ms)) * NS_PER_MS + idOffsetNs(id);
}

function clean(s: string): string {
  // Newlines would split a line; the spool and the protocol are line-based.
  return s.replace(/[\r\n]+/g, ' ');
}

/** Measurement names and tag keys/values: escape comma, equals, space. Empty → "unknown". */
export function escapeTag(s: string): string {
  const v = clean(s);
  return v.length === 0 ? 'unknown' : v.replace(/[\\,= ]/g, (c) => `\\${c}`);
}

export function escapeFieldString(s: string): string {
  return `"${clean(s).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function num(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`line protocol: not a finite number: ${x}`);
  return String(x);
}

type FieldValue = number | string | { readonly int: number };

function fields(f: Record<string, FieldValue | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined) continue;
    if (typeof v === 'number') {
      if (Number.isFinite(v)) parts.push(`${escapeTag(k)}=${num(v)}`);
    } else if (typeof v === 'string') parts.push(`${escapeTag(k)}=${escapeFieldString(v)}`);
    else parts.push(`${escapeTag(k)}=${Math.trunc(v.int)}i`);
  }
  return parts.join(',');
}

export function detectionLine(d: Detection): string {
  const tags = `detection,model=${escapeTag(d.model)},species=${escapeTag(d.species)},station=${escapeTag(d.station)}`;
  const f = fields({
    confidence: d.confidence,
    duration_s: Math.max(0, (d.end - d.start) / 1000),
    detection_id: d.id,
    offset_s: d.origin?.offsetS,
    file: d.origin?.file,
    freq_low_hz: d.freqLowHz,
    freq_high_hz: d.freqHighHz,
    clip: d.clip,
  });
  return `${tags} ${f} ${pointTimeNs(d.start, d.id)}`;
}

export function healthLine(s: StationStatus): string {
  const f = fields({
    status: s.state,
    rms_db: s.rmsDb ?? undefined,
    lag_s: s.lagS,
    gap_s: s.gapS,
    // Only paced replays say how far behind schedule they are; absent stays absent (not 0).
    behind_s: s.behindS,
    samples: { int: s.samples },
    message: s.message,
  });
  return `station_health,station=${escapeTag(s.station)} ${f} ${BigInt(Math.floor(s.at)) * NS_PER_MS}`;
}

export function encounterLine(e: Encounter): string {
  const f = fields({
    encounter_id: e.id,
    duration_s: Math.max(0, (e.end - e.start) / 1000),
    count: { int: e.count },
    peak_confidence: e.peakConfidence,
  });
  return `encounter,species=${escapeTag(e.species)},station=${escapeTag(e.station)} ${f} ${pointTimeNs(e.start, e.id)}`;
}
