// What the server (REST, WebSocket, metrics) sees of a running monitor. The monitor (server/monitor.ts)
// implements it; the server knows nothing of FFTs or sources.
import type { Observable } from 'rxjs';
import type { Detection, Encounter, StationStatus } from '../streams/types.ts';
import type { DetectionStore } from './store/types.ts';

export interface StationInfo {
  readonly id: string;
  readonly name: string;
  /** The source string from the config (URL, path, tcp://…); secrets never included. */
  readonly source: string;
  readonly kind: string;
  readonly status: StationStatus;
}

/** One column of a station's live spectrogram: magnitudes in dB quantised to 0..255, low→high freq. */
export interface SpectrogramColumn {
  readonly station: string;
  /** Epoch ms of the column's centre. */
  readonly t: number;
  readonly bins: Uint8Array;
  /** Frequency of the top bin, Hz. */
  readonly maxHz: number;
}

export interface AlertEvent {
  readonly id: string;
  readonly kind: 'encounter' | 'station';
  readonly station: string;
  readonly species?: string;
  readonly message: string;
  readonly at: number;
  readonly encounter?: Encounter;
}

export interface MonitorMetrics {
  readonly windowsProcessed: Record<string, number>;
  readonly detections: Record<string, number>;
  readonly lagS: Record<string, number>;
  readonly queueDepth: Record<string, number>;
  readonly reconnects: Record<string, number>;
}

export interface MonitorHandle {
  stations(): StationInfo[];
  readonly status$: Observable<StationStatus>;
  readonly detections$: Observable<Detection>;
  readonly encounters$: Observable<Encounter>;
  readonly alerts$: Observable<AlertEvent>;
  /** Hot per-station spectrogram columns, a few per second. */
  spectrogram$(station: string): Observable<SpectrogramColumn>;
  readonly store: DetectionStore;
  /** Folder that detection clips (Detection.clip, relative) live in, or null when clips are off. */
  readonly clipsDir: string | null;
  metrics(): MonitorMetrics;
  /** Alert rules as configured (plain JSON). */
  alertRules(): unknown[];
}
