// Prometheus text exposition (format 0.0.4) of the monitor's counters and the dashboard socket's.
import type { FastifyPluginAsync } from 'fastify';
import type { MonitorHandle, MonitorMetrics } from './monitor-types.ts';

export interface SocketStats {
  readonly clients: number;
  readonly dropped: number;
  readonly skippedFrames: number;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

const FAMILIES: ReadonlyArray<readonly [keyof MonitorMetrics, string, 'counter' | 'gauge', string]> = [
  ['windowsProcessed', 'hydromon_windows_processed_total', 'counter', 'Windows classified, per station.'],
  ['detections', 'hydromon_detections_total', 'counter', 'Detections emitted, per station.'],
  ['lagS', 'hydromon_lag_seconds', 'gauge', 'How far processing trails the audio clock, per station.'],
  ['queueDepth', 'hydromon_queue_depth', 'gauge', 'Items waiting in the station pipeline.'],
  ['reconnects', 'hydromon_reconnects_total', 'counter', 'Source reconnections, per station.'],
];

/** The text a Prometheus scrape gets. `behindS`: paced stations' StationStatus.behindS (others absent). */
export function formatMetrics(m: MonitorMetrics, sockets?: SocketStats, behindS?: Readonly<Record<string, number>>): string {
  const lines: string[] = [];
  const family = (name: string, type: string, help: string, values: Readonly<Record<string, number>>): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const station of Object.keys(values).sort()) {
      lines.push(`${name}{station="${escapeLabel(station)}"} ${num(values[station])}`);
    }
  };
  for (const [key, name, type, help] of FAMILIES) family(name, type, help, m[key] ?? {});
  if (behindS) family('hydromon_behind_seconds', 'gauge', 'Paced replays: audio seconds behind schedule (0 = keeping up), per station.', behindS);
  if (sockets) {
    lines.push(
      '# HELP hydromon_ws_clients Dashboard WebSocket clients connected.', '# TYPE hydromon_ws_clients gauge', `hydromon_ws_clients ${sockets.clients}`,
      '# HELP hydromon_ws_dropped_total Dashboard clients dropped for falling behind.', '# TYPE hydromon_ws_dropped_total counter', `hydromon_ws_dropped_total ${sockets.dropped}`,
      '# HELP hydromon_ws_skipped_frames_total Spectrogram frames skipped for slow clients.', '# TYPE hydromon_ws_skipped_frames_total counter', `hydromon_ws_skipped_frames_total ${sockets.skippedFrames}`,
    );
  }
  return lines.join('\n') + '\n';
}

export interface MetricsOptions {
  readonly monitor: MonitorHandle;
  readonly sockets?: () => SocketStats;
}

export const metricsRoutes: FastifyPluginAsync<MetricsOptions> = async (app, { monitor, sockets }) => {
  app.get('/metrics', async (_req, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    // Behind comes from each station's status (only paced stations report it).
    const behindS: Record<string, number> = {};
    for (const s of monitor.stations()) if (s.status.behindS !== undefined) behindS[s.id] = s.status.behindS;
    return formatMetrics(monitor.metrics(), sockets?.(), behindS);
  });
};
