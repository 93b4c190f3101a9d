// Picks the store the monitor and the CLI use: InfluxDB (wrapped in the durable spool) when a URL
// is given or HYDROMON_INFLUX_URL is set, else the embedded JSON-lines store in the data folder.
import { join } from 'node:path';
import { DEFAULT_DATA_DIR, createEmbeddedStore, type EmbeddedStoreOptions } from './embedded.ts';
import { createInfluxStore, type InfluxStoreOptions } from './influx.ts';
import { spooled, type SpoolOptions } from './spool.ts';
import type { DetectionStore } from './types.ts';

export interface OpenStoreOptions {
  /** InfluxDB URL (http://host:port/database). Default: env HYDROMON_INFLUX_URL; none → embedded. */
  readonly influxUrl?: string;
  /** Data folder: the embedded store, and the spool at <dataDir>/spool (default ./data). */
  readonly dataDir?: string;
  /** Write straight to InfluxDB without a spool (read-only uses such as export). */
  readonly noSpool?: boolean;
  readonly influx?: Omit<InfluxStoreOptions, 'url'>;
  readonly spool?: Omit<SpoolOptions, 'dir'>;
  readonly embedded?: Omit<EmbeddedStoreOptions, 'dir'>;
  readonly env?: NodeJS.ProcessEnv;
}

export function openStore(opts: OpenStoreOptions = {}): DetectionStore {
  const env = opts.env ?? process.env;
  const url = opts.influxUrl ?? (env.HYDROMON_INFLUX_URL || undefined);
  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  if (url === undefined) return createEmbeddedStore({ ...opts.embedded, dir: dataDir });
  const influx = createInfluxStore(url, { ...opts.influx, env });
  if (opts.noSpool) return influx;
  return spooled(influx, { ...opts.spool, dir: join(dataDir, 'spool') });
}

/** `storeFromUrl()` → HYDROMON_INFLUX_URL or embedded in ./data; `storeFromUrl(url)` → spooled InfluxDB. */
export function storeFromUrl(url?: string, opts: Omit<OpenStoreOptions, 'influxUrl'> = {}): DetectionStore {
  return openStore({ ...opts, ...(url !== undefined ? { influxUrl: url } : {}) });
}
