// Where the InfluxDB store lives: `http://127.0.0.1:8086/hydromon` (the last path part is the
// database). Credentials come only from the environment (HYDROMON_INFLUX_USER /
// HYDROMON_INFLUX_PASSWORD), never from the command line where `ps` would show them.
export interface InfluxTarget {
  /** Base URL without the database, e.g. http://127.0.0.1:8086 */
  readonly base: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
  /** Path prefix in front of /write, /query (usually ''). */
  readonly path: string;
  readonly database: string;
  readonly username?: string;
  readonly password?: string;
}

export const DEFAULT_INFLUX_DATABASE = 'hydromon';

export function parseInfluxUrl(url: string, env: NodeJS.ProcessEnv = process.env): InfluxTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`InfluxDB URL "${url}" is not a URL (expected e.g. http://127.0.0.1:8086/hydromon)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`InfluxDB URL "${url}": protocol must be http or https, got ${u.protocol}`);
  }
  if (u.username || u.password) {
    throw new Error(`InfluxDB URL "${u.host}${u.pathname}": put credentials in HYDROMON_INFLUX_USER / HYDROMON_INFLUX_PASSWORD, not in the URL`);
  }
  const parts = u.pathname.split('/').filter((p) => p.length > 0);
  const database = decodeURIComponent(parts.pop() ?? DEFAULT_INFLUX_DATABASE);
  if (!/^[A-Za-z0-9_.-]+$/.test(database)) {
    throw new Error(`InfluxDB URL "${url}": database name "${database}" may hold only letters, digits, _ . -`);
  }
  const protocol = u.protocol === 'https:' ? 'https' : 'http';
  const port = u.port ? Number(u.port) : protocol === 'https' ? 443 : 8086;
  const path = parts.length ? `/${parts.join('/')}` : '';
  const username = env.HYDROMON_INFLUX_USER || undefined;
  const password = env.HYDROMON_INFLUX_PASSWORD || undefined;
  return {
    base: `${protocol}://${u.hostname}:${port}${path}`,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port, protocol, path, database, username, password,
  };
}
