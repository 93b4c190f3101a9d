// Detections of one animal or group become one encounter: per station and species, a detection
// starting more than `gapS` after the encounter's last one opens a new encounter. Driven only by
// detection times (never wall time), so replaying a recording gives the same encounters.
import type { Detection, Encounter } from '../../streams/types.ts';

export interface EncounterUpdate {
  /** The encounter after this detection. */
  readonly encounter: Encounter;
  /** True when this detection opened it. */
  readonly opened: boolean;
  /** The encounter of the same station and species that the gap closed, if any. */
  readonly closed?: Encounter;
}

const keyOf = (station: string, species: string): string => `${station}\u0000${species}`;

export class EncounterTracker {
  private readonly open = new Map<string, Encounter>();
  private readonly gapMs: number;

  constructor(gapS: number) {
    if (!(gapS > 0)) throw new RangeError(`encounter gap must be > 0 s, got ${gapS}`);
    this.gapMs = gapS * 1000;
  }

  add(d: Detection): EncounterUpdate {
    const k = keyOf(d.station, d.species);
    const cur = this.open.get(k);
    if (cur && d.start - cur.end <= this.gapMs) {
      const next: Encounter = {
        ...cur,
        start: Math.min(cur.start, d.start),
        end: Math.max(cur.end, d.end),
        count: cur.count + 1,
        peakConfidence: Math.max(cur.peakConfidence, d.confidence),
      };
      this.open.set(k, next);
      return { encounter: next, opened: false };
    }
    const fresh: Encounter = {
      id: `enc:${d.id}`,
      station: d.station,
      species: d.species,
      start: d.start,
      end: d.end,
      count: 1,
      peakConfidence: d.confidence,
    };
    this.open.set(k, fresh);
    return cur ? { encounter: fresh, opened: true, closed: cur } : { encounter: fresh, opened: true };
  }

  /** Close (and return) the encounters silent for more than the gap at time `now`. */
  expire(now: number): Encounter[] {
    const out: Encounter[] = [];
    for (const [k, e] of this.open) {
      if (now - e.end > this.gapMs) {
        out.push(e);
        this.open.delete(k);
      }
    }
    return out;
  }

  current(): Encounter[] {
    return [...this.open.values()];
  }
}
