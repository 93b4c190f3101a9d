// What the alerting stage emits. Plain data: it crosses the webhook, the log and the WebSocket unchanged.
import type { Detection, Encounter, SourceState } from '../../streams/types.ts';

export type AlertKind = 'detection' | 'station-down' | 'station-recovered';

export interface Alert {
  /** Deterministic: the same encounter (or outage) gives the same id on every replay. */
  readonly id: string;
  readonly kind: AlertKind;
  /** Epoch ms of what raised it (the detection's start, the status time), not wall time. */
  readonly at: number;
  readonly station: string;
  readonly message: string;
  /** Detection alerts: the rule, the encounter so far and the detection that tipped it. */
  readonly rule?: string;
  readonly species?: string;
  readonly encounter?: Encounter;
  readonly detection?: Detection;
  /** Station alerts: the state that raised it and how long it has lasted. */
  readonly state?: SourceState | 'silent' | 'no-status';
  readonly forS?: number;
}

/** Where alerts go. `send` may be slow or fail: a SinkQueue stands between it and the pipeline. */
export interface AlertSink {
  readonly name: string;
  send(alert: Alert): Promise<void>;
}
