// What the server remembers of the live streams: the newest detections, encounters and alerts
// (bounded rings) and each station's latest status. Routes read it; nothing here blocks the
// monitor — each callback is an O(1) push.
import type { Subscription } from 'rxjs';
import type { Detection, Encounter, StationStatus } from '../streams/types.ts';
import type { AlertEvent, MonitorHandle } from './monitor-types.ts';

/** A fixed-capacity list, newest last; old items fall off. */
export class Ring<T> {
  private readonly items: T[] = [];
  constructor(private readonly capacity: number) {}
  push(x: T): void {
    this.items.push(x);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }
  /** Newest first. */
  newestFirst(): T[] {
    return [...this.items].reverse();
  }
  /** Replace the newest item matching `pred` by `x`, or push `x` when none does. */
  upsert(pred: (x: T) => boolean, x: T): void {
    for (let i = this.items.length - 1; i >= 0; i--) {
      if (pred(this.items[i])) {
        this.items[i] = x;
        return;
      }
    }
    this.push(x);
  }
  find(pred: (x: T) => boolean): T | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) if (pred(this.items[i])) return this.items[i];
    return undefined;
  }
  get size(): number {
    return this.items.length;
  }
}

export interface LiveState {
  readonly detections: Ring<Detection>;
  readonly encounters: Ring<Encounter>;
  readonly alerts: Ring<AlertEvent>;
  readonly statuses: Map<string, StationStatus>;
  readonly startedAt: number;
  close(): void;
}

export function trackLiveState(monitor: MonitorHandle, capacity = 2000): LiveState {
  const detections = new Ring<Detection>(capacity);
  const encounters = new Ring<Encounter>(capacity);
  const alerts = new Ring<AlertEvent>(500);
  const statuses = new Map<string, StationStatus>();
  for (const s of monitor.stations()) statuses.set(s.id, s.status);
  const subs: Subscription[] = [
    // A detection comes again once its clip is saved: same id, replaced in place.
    monitor.detections$.subscribe({ next: (d) => detections.upsert((x) => x.id === d.id, d), error: () => undefined }),
    monitor.encounters$.subscribe({ next: (e) => encounters.push(e), error: () => undefined }),
    monitor.alerts$.subscribe({ next: (a) => alerts.push(a), error: () => undefined }),
    monitor.status$.subscribe({ next: (s) => statuses.set(s.station, s), error: () => undefined }),
  ];
  return {
    detections, encounters, alerts, statuses, startedAt: Date.now(),
    close: () => { for (const s of subs) s.unsubscribe(); },
  };
}
