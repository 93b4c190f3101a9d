// DetectionStore on InfluxDB 1.x. Schema, admin and queries go through the `influx` package;
// writes are our own line protocol (line-protocol.ts) POSTed to /write, so the spool can replay
// exactly the bytes that would have been sent and the same detection always becomes the same point.
import { InfluxDB } from 'influx';
import type { Detection, Encounter, StationStatus } from '../../streams/types.ts';
import { Batcher, type BatcherOptions } from './batcher.ts';
import { detectionsFrom, encountersFrom, healthFrom, hourlyFrom, type RawResponse } from './influx-rows.ts';
import { parseInfluxUrl, type InfluxTarget } from './influx-url.ts';
import { detectionLine, encounterLine, healthLine } from './line-protocol.ts';
import { withTimeout } from './timeout.ts';
import type { DetectionQuery, DetectionStore, HealthQuery, HourlyCount } from './types.ts';

export const DEFAULT_INFLUX_URL = 'http://127.0.0.1:8086/hydromon';
export const RETENTION_POLICY = 'hydromon';
export const HOURLY_CQ = 'detection_hourly';

export interface InfluxStoreOptions {
  /** Default: env HYDROMON_INFLUX_URL, else http://127.0.0.1:8086/hydromon */
  readonly url?: string;
  /** InfluxQL duration of the retention policy (default INF: replayed archives carry their
   *  original, often years-old, timestamps, and InfluxDB refuses points older than the policy). */
  readonly retention?: string;
  /** Write batching (default 5000 points or 1000 ms). */
  readonly batch?: Partial<BatcherOptions>;
  /** A write slower than this fails (and the spool, if any, takes over). Default 10 s. */
  readonly writeTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Anything that accepts ready-made line-protocol points: what the spool drains into. */
export interface LineSink {
  /** Resolves when InfluxDB acknowledged every line. Rejects with InfluxRejectedError when the
   *  server refused the points themselves (retrying cannot help), with another Error otherwise. */
  writeLines(lines: readonly string[]): Promise<void>;
}

/** The server answered 4xx: the points (not the connection) are at fault. */
export class InfluxRejectedError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'InfluxRejectedError';
  }
}

function quoteIdent(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function quoteString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The WHERE clause shared by every query (epoch ms in, ns literals out). */
export function whereClause(query: Pick<DetectionQuery, 'from' | 'to' | 'station' | 'species' | 'minConfidence'>): string {
  let q = query;
  if (Number.isNaN(q.from) || Number.isNaN(q.to)) throw new RangeError('query: from/to must be epoch ms');
  // Open ends are clamped to what InfluxDB's int64 nanosecond time can hold.
  const clamp = (ms: number): number => Math.max(-9.2e12, Math.min(9.2e12, ms));
  q = { ...q, from: clamp(q.from), to: clamp(q.to) };
  const parts = [
    `time >= ${BigInt(Math.floor(q.from)) * 1_000_000n}`,
    `time < ${BigInt(Math.ceil(q.to)) * 1_000_000n}`,
  ];
  if (q.station !== undefined) parts.push(`station = ${quoteString(q.station)}`);
  if (q.species !== undefined) parts.push(`species = ${quoteString(q.species)}`);
  if (q.minConfidence !== undefined) {
    if (!Number.isFinite(q.minConfidence)) throw new RangeError('query: minConfidence must be a number');
    parts.push(`confidence >= ${q.minConfidence}`);
  }
  return parts.join(' AND ');
}

function paging(q: Pick<DetectionQuery, 'limit' | 'offset'>): string {
  let s = '';
  if (q.limit !== undefined && Number.isFinite(q.limit)) s += ` LIMIT ${Math.max(0, Math.floor(q.limit))}`;
  if (q.offset !== undefined && Number.isFinite(q.offset) && q.offset > 0) s += ` OFFSET ${Math.floor(q.offset)}`;
  return s;
}

export class InfluxStore implements DetectionStore, LineSink {
  readonly target: InfluxTarget;
  private readonly influx: InfluxDB;
  private readonly batcher: Batcher<string>;
  private readonly retention: string;
  private readonly writeTimeoutMs: number;
  private schema: Promise<void> | undefined;

  constructor(opts: InfluxStoreOptions = {}) {
    const env = opts.env ?? process.env;
    this.target = parseInfluxUrl(opts.url ?? env.HYDROMON_INFLUX_URL ?? DEFAULT_INFLUX_URL, env);
    this.retention = opts.retention ?? 'INF';
    if (!/^\d+[smhdw]$|^INF$/i.test(this.retention)) {
      throw new Error(`InfluxDB retention "${this.retention}" is not a duration like 365d, 52w or INF`);
    }
    this.writeTimeoutMs = opts.writeTimeoutMs ?? 10_000;
    const t = this.target;
    this.influx = new InfluxDB({
      host: t.host, port: t.port, protocol: t.protocol, path: t.path, database: t.database,
      username: t.username, password: t.password,
      pool: { maxRetries: 0, requestTimeout: opts.queryTimeoutMs ?? 30_000 },
    });
    this.batcher = new Batcher<string>((lines) => this.writeLines(lines), {
      maxItems: opts.batch?.maxItems ?? 5000,
      maxDelayMs: opts.batch?.maxDelayMs ?? 1000,
    });
  }

  get database(): string {
    return this.target.database;
  }

  /** Database, retention policy and the hourly continuous query; once per store (retried after a failure). */
  ensureSchema(): Promise<void> {
    if (!this.schema) {
      // Bounded: a request lost when the server dies mid-call must not leave every later write waiting.
      this.schema = withTimeout(this.createSchema(), this.writeTimeoutMs, 'InfluxDB schema set-up').catch((err: unknown) => {
        this.schema = undefined;
        throw err;
      });
    }
    return this.schema;
  }

  private async createSchema(): Promise<void> {
    const db = this.target.database;
    const names = await this.influx.getDatabaseNames();
    if (!names.includes(db)) await this.influx.createDatabase(db);
    const rps = await this.influx.showRetentionPolicies(db);
    const rp = { duration: this.retention, replication: 1, isDefault: true };
    if (rps.some((r) => r.name === RETENTION_POLICY)) await this.influx.alterRetentionPolicy(RETENTION_POLICY, { ...rp, database: db });
    else await this.influx.createRetentionPolicy(RETENTION_POLICY, { ...rp, database: db });
    const cqs = await this.influx.showContinousQueries(db);
    if (!cqs.some((c) => c.name === HOURLY_CQ)) {
      const src = `${quoteIdent(db)}.${quoteIdent(RETENTION_POLICY)}`;
      // Hourly counts kept as their own measurement for long-range dashboards (Grafana etc.);
      // countsPerHour() below reads the raw points so the current hour is exact too.
      await this.influx.createContinuousQuery(
        HOURLY_CQ,
        `SELECT count("confidence") AS "count" INTO ${src}."detection_hourly" FROM ${src}."detection" GROUP BY time(1h), "station", "species"`,
        db,
      );
    }
  }

  private authHeader(): Record<string, string> {
    const { username, password } = this.target;
    if (username === undefined) return {};
    return { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` };
  }

  async writeLines(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.ensureSchema();
    const url = `${this.target.base}/write?db=${encodeURIComponent(this.target.database)}&rp=${RETENTION_POLICY}&precision=ns`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8', ...this.authHeader() },
        body: lines.join('\n'),
        signal: AbortSignal.timeout(this.writeTimeoutMs),
      });
    } catch (err) {
      throw new Error(`InfluxDB write to ${this.target.base} failed: ${(err as Error).message}`);
    }
    if (res.status === 204 || res.status === 200) return;
    const body = (await res.text().catch(() => '')).slice(0, 500);
    if (res.status === 404) this.schema = undefined; // database dropped under us: recreate next time
    const msg = `InfluxDB write to ${this.target.base} answered ${res.status}: ${body}`;
    // 400 (bad points, type conflicts, beyond retention) cannot succeed on retry. Auth (401/403),
    // missing database (404), timeouts and rate limits (408/429) are the server's state: retry later.
    if (res.status === 400 || res.status === 413 || res.status === 422) {
      throw new InfluxRejectedError(msg, res.status);
    }
    throw new Error(msg);
  }

  writeDetections(detections: readonly Detection[]): Promise<void> {
    return this.batcher.add(detections.map(detectionLine));
  }

  writeHealth(statuses: readonly StationStatus[]): Promise<void> {
    return this.batcher.add(statuses.map(healthLine));
  }

  writeEncounters(encounters: readonly Encounter[]): Promise<void> {
    return this.batcher.add(encounters.map(encounterLine));
  }

  private async raw(query: string): Promise<RawResponse> {
    await this.ensureSchema();
    return (await this.influx.queryRaw(query, { database: this.target.database, precision: 'ms' })) as RawResponse;
  }

  async queryDetections(q: DetectionQuery): Promise<Detection[]> {
    if (q.limit !== undefined && q.limit <= 0) return []; // InfluxQL reads LIMIT 0 as no limit
    let sql = `SELECT * FROM ${quoteIdent(RETENTION_POLICY)}."detection" WHERE ${whereClause(q)} ORDER BY time DESC`;
    sql += paging(q);
    return detectionsFrom(await this.raw(sql));
  }

  async queryEncounters(q: DetectionQuery): Promise<Encounter[]> {
    const { minConfidence, ...rest } = q;
    let sql = `SELECT * FROM ${quoteIdent(RETENTION_POLICY)}."encounter" WHERE ${whereClause(rest)}`;
    if (minConfidence !== undefined) sql += ` AND peak_confidence >= ${Number(minConfidence)}`;
    sql += ' ORDER BY time DESC';
    sql += paging(q);
    // An encounter is re-written as it grows: same id, same point; keep one per id.
    const seen = new Set<string>();
    return encountersFrom(await this.raw(sql)).filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
  }

  async queryHealth(q: HealthQuery): Promise<StationStatus[]> {
    const sql = `SELECT * FROM ${quoteIdent(RETENTION_POLICY)}."station_health" WHERE ${whereClause(q)} ORDER BY time ASC`;
    return healthFrom(await this.raw(sql));
  }

  async countsPerHour(q: Omit<DetectionQuery, 'limit' | 'offset' | 'minConfidence'>): Promise<HourlyCount[]> {
    const sql = `SELECT count("confidence") FROM ${quoteIdent(RETENTION_POLICY)}."detection" WHERE ${whereClause(q)} GROUP BY time(1h), "station", "species" fill(none)`;
    return hourlyFrom(await this.raw(sql));
  }

  /** Send whatever the batcher holds now. */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  async close(): Promise<void> {
    await this.batcher.close();
  }
}

/** An InfluxDB store for `url` (default env HYDROMON_INFLUX_URL, else http://127.0.0.1:8086/hydromon). */
export function createInfluxStore(url?: string, opts: Omit<InfluxStoreOptions, 'url'> = {}): InfluxStore {
  return new InfluxStore({ ...opts, ...(url !== undefined ? { url } : {}) });
}
