// Shared query-string schema pieces and parsing for the REST routes.
import type { DetectionQuery } from './store/types.ts';

const DAY = 86_400_000;

/** JSON schema for a time bound: ISO 8601 or epoch ms, both arrive as strings. */
const timeBound = { type: 'string', minLength: 1, maxLength: 40 } as const;
const name = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const rangeQuerySchema = {
  type: 'object',
  properties: {
    from: timeBound,
    to: timeBound,
    station: name,
    species: name,
    token: { type: 'string' },
  },
  additionalProperties: false,
} as const;

export const detectionQuerySchema = {
  type: 'object',
  properties: {
    ...rangeQuerySchema.properties,
    minConfidence: { type: 'number', minimum: 0, maximum: 1 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
  additionalProperties: false,
} as const;

export interface RangeQueryString {
  from?: string;
  to?: string;
  station?: string;
  species?: string;
}

export interface DetectionQueryString extends RangeQueryString {
  minConfidence?: number;
  limit?: number;
  offset?: number;
}

/** A 400 with a message the user can act on. */
export class BadQuery extends Error {
  readonly statusCode = 400;
}

/** Epoch ms from "1700000000000" or an ISO date; throws BadQuery naming the parameter. */
export function parseTime(value: string, param: string): number {
  const v = value.trim();
  const ms = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new BadQuery(`${param}: "${value}" is neither an ISO date nor epoch milliseconds`);
  return ms;
}

/** from/to with defaults (the last 24 h up to now); to must be after from. */
export function parseRange(q: RangeQueryString, now = Date.now(), defaultSpanMs = DAY): { from: number; to: number } {
  const to = q.to !== undefined ? parseTime(q.to, 'to') : now;
  const from = q.from !== undefined ? parseTime(q.from, 'from') : to - defaultSpanMs;
  if (!(to > from)) throw new BadQuery(`to (${new Date(to).toISOString()}) must be after from (${new Date(from).toISOString()})`);
  return { from, to };
}

export function toDetectionQuery(q: DetectionQueryString, now = Date.now()): DetectionQuery {
  const { from, to } = parseRange(q, now);
  return {
    from, to,
    ...(q.station !== undefined ? { station: q.station } : {}),
    ...(q.species !== undefined ? { species: q.species } : {}),
    ...(q.minConfidence !== undefined ? { minConfidence: q.minConfidence } : {}),
    limit: q.limit ?? 100,
    offset: q.offset ?? 0,
  };
}
