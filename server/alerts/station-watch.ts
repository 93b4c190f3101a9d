// A station that stays stalled, down, faulted, still connecting, silent (input level below a
// floor) or stops reporting at all for longer than `downAfterS` raises one alert; its return to
// live raises one recovery alert. Pure: times come from the statuses and from tick(now).
import type { SourceState, StationStatus } from '../../streams/types.ts';
import type { Alert } from './types.ts';

export interface StationWatchOptions {
  readonly downAfterS: number;
  /** rmsDb below this counts as silent (unset: level not checked). */
  readonly silentBelowDb?: number;
}

type Bad = SourceState | 'silent' | 'no-status';

interface Watch {
  lastAt: number;
  lastState?: SourceState;
  badSince?: number;
  bad?: Bad;
  alerted?: string;
}

const BAD_STATES: ReadonlySet<SourceState> = new Set(['connecting', 'stalled', 'down', 'faulted']);

export class StationWatch {
  private readonly stations = new Map<string, Watch>();
  private readonly afterMs: number;

  constructor(private readonly opts: StationWatchOptions) {
    if (!(opts.downAfterS > 0)) throw new RangeError(`stationDownAfterS must be > 0, got ${opts.downAfterS}`);
    this.afterMs = opts.downAfterS * 1000;
  }

  private badness(s: StationStatus): Bad | undefined {
    if (BAD_STATES.has(s.state)) return s.state;
    if (s.state === 'live' && this.opts.silentBelowDb !== undefined && (s.rmsDb === null || s.rmsDb < this.opts.silentBelowDb)) return 'silent';
    return undefined;
  }

  update(s: StationStatus): Alert[] {
    let w = this.stations.get(s.station);
    if (!w) this.stations.set(s.station, (w = { lastAt: s.at }));
    w.lastAt = Math.max(w.lastAt, s.at);
    w.lastState = s.state;
    const bad = this.badness(s);
    if (bad === undefined) {
      const out: Alert[] = [];
      if (w.alerted !== undefined && s.state === 'live') {
        out.push({
          id: `${w.alerted}:recovered`,
          kind: 'station-recovered',
          at: s.at,
          station: s.station,
          state: s.state,
          forS: (s.at - (w.badSince ?? s.at)) / 1000,
          message: `station ${s.station} is live again after ${fmt((s.at - (w.badSince ?? s.at)) / 1000)}`,
        });
      }
      w.badSince = undefined;
      w.bad = undefined;
      w.alerted = undefined;
      return out;
    }
    if (w.badSince === undefined) w.badSince = s.at;
    w.bad = bad;
    return this.check(s.station, w, s.at, s.message);
  }

  /** Call now and then with the current time: catches stations that stopped reporting. */
  tick(now: number): Alert[] {
    const out: Alert[] = [];
    for (const [station, w] of this.stations) {
      // A replay that ended stops reporting by design: that is not an outage.
      if (w.badSince === undefined && w.lastState !== 'ended' && now - w.lastAt >= this.afterMs) {
        w.badSince = w.lastAt;
        w.bad = 'no-status';
      }
      out.push(...this.check(station, w, now));
    }
    return out;
  }

  private check(station: string, w: Watch, now: number, message?: string): Alert[] {
    if (w.badSince === undefined || w.alerted !== undefined || now - w.badSince < this.afterMs) return [];
    const forS = (now - w.badSince) / 1000;
    const id = `station:${station}:${w.badSince}`;
    w.alerted = id;
    const what = w.bad === 'no-status' ? 'has not reported' : w.bad === 'silent' ? 'has been silent' : `has been ${w.bad}`;
    return [{
      id, kind: 'station-down', at: now, station, state: w.bad, forS,
      message: `station ${station} ${what} for ${fmt(forS)}${message ? `: ${message}` : ''}`,
    }];
  }
}

function fmt(s: number): string {
  return s >= 120 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`;
}
