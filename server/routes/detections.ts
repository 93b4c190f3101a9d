// Detection history from the store: filtered and paged lists, and hourly counts for the chart.
import type { FastifyPluginAsync } from 'fastify';
import type { LiveState } from '../live-state.ts';
import type { MonitorHandle } from '../monitor-types.ts';
import {
  detectionQuerySchema, parseRange, rangeQuerySchema, toDetectionQuery,
  type DetectionQueryString, type RangeQueryString,
} from '../query-params.ts';
import { findDetection } from '../find-detection.ts';

export interface DetectionRoutesOptions {
  readonly monitor: MonitorHandle;
  readonly live: LiveState;
}

export const detectionRoutes: FastifyPluginAsync<DetectionRoutesOptions> = async (app, { monitor, live }) => {
  app.get<{ Querystring: DetectionQueryString }>('/detections', { schema: { querystring: detectionQuerySchema } }, async (req) => {
    const q = toDetectionQuery(req.query);
    const items = await monitor.store.queryDetections(q);
    return { from: q.from, to: q.to, limit: q.limit, offset: q.offset, items };
  });

  app.get<{ Querystring: RangeQueryString }>('/detections/hourly', { schema: { querystring: rangeQuerySchema } }, async (req) => {
    const { from, to } = parseRange(req.query);
    const { station, species } = req.query;
    const items = await monitor.store.countsPerHour({
      from, to, ...(station !== undefined ? { station } : {}), ...(species !== undefined ? { species } : {}),
    });
    return { from, to, items };
  });

  /** The newest detections seen live since the server started (no store round trip). */
  app.get<{ Querystring: { limit?: number } }>('/detections/recent', {
    schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 2000, default: 100 }, token: { type: 'string' } }, additionalProperties: false } },
  }, async (req) => ({ items: live.detections.newestFirst().slice(0, req.query.limit ?? 100) }));

  app.get<{ Params: { id: string }; Querystring: { t?: number } }>('/detections/:id', {
    schema: {
      params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 300 } }, required: ['id'] },
      querystring: { type: 'object', properties: { t: { type: 'number' }, token: { type: 'string' } }, additionalProperties: false },
    },
  }, async (req, reply) => {
    const d = await findDetection(req.params.id, req.query.t, live, monitor.store);
    if (!d) return reply.code(404).send({ error: 'not_found', message: `no detection ${req.params.id}` });
    return d;
  });
};
