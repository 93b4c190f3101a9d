// Alert rules as configured (read only) and the alerts raised since the server started.
import type { FastifyPluginAsync } from 'fastify';
import type { LiveState } from '../live-state.ts';
import type { MonitorHandle } from '../monitor-types.ts';

export interface AlertRoutesOptions {
  readonly monitor: MonitorHandle;
  readonly live: LiveState;
}

export const alertRoutes: FastifyPluginAsync<AlertRoutesOptions> = async (app, { monitor, live }) => {
  app.get('/alerts/rules', async () => ({ items: monitor.alertRules() }));
  app.get<{ Querystring: { limit?: number } }>('/alerts', {
    schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, token: { type: 'string' } }, additionalProperties: false } },
  }, async (req) => ({ items: live.alerts.newestFirst().slice(0, req.query.limit ?? 100) }));
};
