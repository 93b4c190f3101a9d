// The contract between the pipeline, the stores (InfluxDB, embedded) and the dashboard.
import type { Detection, Encounter, StationStatus } from '../../streams/types.ts';

export interface DetectionQuery {
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  readonly station?: string;
  readonly species?: string;
  readonly minConfidence?: number;
  /** Paging; newest first. */
  readonly limit?: number;
  readonly offset?: number;
}

export interface HealthQuery {
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  readonly station?: string;
}

export interface HourlyCount {
  /** Epoch ms of the start of the hour (UTC). */
  readonly hour: number;
  readonly station: string;
  readonly species: string;
  readonly count: number;
}

export interface DetectionStore {
  /** Durable once the promise resolves (written, or spooled to disk when the server is away). */
  writeDetections(detections: readonly Detection[]): Promise<void>;
  writeHealth(statuses: readonly StationStatus[]): Promise<void>;
  writeEncounters?(encounters: readonly Encounter[]): Promise<void>;
  queryDetections(q: DetectionQuery): Promise<Detection[]>;
  countsPerHour(q: Omit<DetectionQuery, 'limit' | 'offset' | 'minConfidence'>): Promise<HourlyCount[]>;
  queryEncounters?(q: DetectionQuery): Promise<Encounter[]>;
  /** Station health rows in [from, to), oldest first (stores may thin them). */
  queryHealth?(q: HealthQuery): Promise<StationStatus[]>;
  /** Flush pending writes and release files/sockets. */
  close(): Promise<void>;
}
