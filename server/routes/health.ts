// Liveness for supervisors and the dashboard: the server answers, and how each station is doing.
import type { FastifyPluginAsync } from 'fastify';
import type { LiveState } from '../live-state.ts';
import type { MonitorHandle } from '../monitor-types.ts';
import { stationsWithStatus } from './stations.ts';

export interface HealthRoutesOptions {
  readonly monitor: MonitorHandle;
  readonly live: LiveState;
}

export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { monitor, live }) => {
  app.get('/health', async () => {
    const stations = stationsWithStatus(monitor, live).map((s) => ({ id: s.id, state: s.status.state, lagS: s.status.lagS, at: s.status.at }));
    // "ok" means the server is up and no station has given up for good.
    const ok = stations.every((s) => s.state !== 'faulted');
    return { ok, uptimeS: Math.round((Date.now() - live.startedAt) / 1000), now: Date.now(), stations };
  });
};
