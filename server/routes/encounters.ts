// Encounters (runs of detections of one species at one station): from the store when it keeps
// them, else the ones seen live since the server started.
import type { FastifyPluginAsync } from 'fastify';
import type { LiveState } from '../live-state.ts';
import type { MonitorHandle } from '../monitor-types.ts';
import { detectionQuerySchema, toDetectionQuery, type DetectionQueryString } from '../query-params.ts';

export interface EncounterRoutesOptions {
  readonly monitor: MonitorHandle;
  readonly live: LiveState;
}

export const encounterRoutes: FastifyPluginAsync<EncounterRoutesOptions> = async (app, { monitor, live }) => {
  app.get<{ Querystring: DetectionQueryString }>('/encounters', { schema: { querystring: detectionQuerySchema } }, async (req) => {
    const q = toDetectionQuery(req.query);
    const store = monitor.store;
    if (store.queryEncounters) {
      return { from: q.from, to: q.to, source: 'store', items: await store.queryEncounters(q) };
    }
    const items = live.encounters.newestFirst()
      .filter((e) => e.end >= q.from && e.start < q.to)
      .filter((e) => q.station === undefined || e.station === q.station)
      .filter((e) => q.species === undefined || e.species === q.species)
      .filter((e) => q.minConfidence === undefined || e.peakConfidence >= q.minConfidence)
      .slice(q.offset ?? 0, (q.offset ?? 0) + (q.limit ?? 100));
    return { from: q.from, to: q.to, source: 'live', items };
  });

  /** Encounters seen live since the server started, whatever their time (replays of old recordings). */
  app.get<{ Querystring: { limit?: number } }>('/encounters/recent', {
    schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 2000, default: 100 }, token: { type: 'string' } }, additionalProperties: false } },
  }, async (req) => ({ items: live.encounters.newestFirst().slice(0, req.query.limit ?? 100) }));
};
