// Stations as configured, each with its latest live status.
import type { FastifyPluginAsync } from 'fastify';
import type { LiveState } from '../live-state.ts';
import type { MonitorHandle, StationInfo } from '../monitor-types.ts';

export interface StationRoutesOptions {
  readonly monitor: MonitorHandle;
  readonly live: LiveState;
}

/** Station info with the freshest status seen (the live stream may be ahead of stations()). */
export function stationsWithStatus(monitor: MonitorHandle, live: LiveState): StationInfo[] {
  return monitor.stations().map((s) => {
    const latest = live.statuses.get(s.id);
    return latest && latest.at >= s.status.at ? { ...s, status: latest } : s;
  });
}

export const stationRoutes: FastifyPluginAsync<StationRoutesOptions> = async (app, { monitor, live }) => {
  app.get('/stations', async () => stationsWithStatus(monitor, live));

  app.get<{ Params: { id: string } }>('/stations/:id', {
    schema: { params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] } },
  }, async (req, reply) => {
    const s = stationsWithStatus(monitor, live).find((x) => x.id === req.params.id);
    if (!s) return reply.code(404).send({ error: 'not_found', message: `no station "${req.params.id}"` });
    return s;
  });
};
