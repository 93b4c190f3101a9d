// The server's value types, re-exported for the client (type-only: nothing from the server runs here
// except the wire-format decoder).
export type { Detection, Encounter, StationStatus, SourceState } from '../../../streams/types.ts';
export type { AlertEvent, SpectrogramColumn, StationInfo } from '../../../server/monitor-types.ts';
export type { HourlyCount } from '../../../server/store/types.ts';
