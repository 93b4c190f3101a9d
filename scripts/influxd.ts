// Starts a private influxd (InfluxDB 1.x) for development, tests and benches.
// Debian's default config listens on every interface; this never uses it. Each instance gets its
// own config: HTTP and RPC bound to 127.0.0.1, data under one directory, no reporting, no UDP /
// graphite / collectd / opentsdb listeners, log to a file.
//
//   node --import tsx scripts/influxd.ts [--dir ./data/influxdb] [--port 8086]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface InfluxdOptions {
  /** Directory for meta/, data/, wal/, influxd.conf and influxd.log. */
  readonly dir: string;
  /** HTTP port on 127.0.0.1; a free one when omitted. */
  readonly port?: number;
  /** RPC (backup/restore) port on 127.0.0.1; a free one when omitted. */
  readonly rpcPort?: number;
  readonly binary?: string;
  /** Require credentials ([http] auth-enabled); create the first admin with CREATE USER. */
  readonly auth?: boolean;
  /** How long to wait for /ping to answer. */
  readonly startTimeoutMs?: number;
}

export interface Influxd {
  readonly url: string;
  readonly port: number;
  readonly rpcPort: number;
  readonly dir: string;
  readonly pid: number;
  /** SIGTERM (or the given signal) and wait for exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

/**
 * A free port on 127.0.0.1 below the kernel's ephemeral range (32768+), so that while an influxd
 * is stopped (tests kill and restart it on the same port) no socket elsewhere is handed its port.
 */
export async function freeServerPort(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await portIsFree(port)) return port;
  }
  return freePort();
}

export function influxdConfig(dir: string, port: number, rpcPort: number, auth = false): string {
  const q = (p: string): string => JSON.stringify(p);
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = ${q(join(dir, 'meta'))}

[data]
  dir = ${q(join(dir, 'data'))}
  wal-dir = ${q(join(dir, 'wal'))}
  query-log-enabled = false
  wal-fsync-delay = "0s"

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${port}"
  auth-enabled = ${auth}
  log-enabled = false
  pprof-enabled = false

[subscriber]
  enabled = false

[[graphite]]
  enabled = false

[[collectd]]
  enabled = false

[[opentsdb]]
  enabled = false

[[udp]]
  enabled = false

[continuous_queries]
  enabled = true
  log-enabled = false

[logging]
  level = "warn"
`;
}

class PortTakenError extends Error {}

async function waitForPing(url: string, conf: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => { exited = true; });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`influxd exited during start-up (see its log)`);
    try {
      const r = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) });
      if (r.status === 204) {
        // Someone answers: make sure it is this influxd and not another one that took the port.
        const vars = (await (await fetch(`${url}/debug/vars`, { signal: AbortSignal.timeout(2000) })).json()) as { cmdline?: unknown };
        if (Array.isArray(vars.cmdline) && vars.cmdline.includes(conf)) return;
        throw new PortTakenError(`${url} is answered by another influxd (${JSON.stringify(vars.cmdline)})`);
      }
    } catch (err) {
      if (err instanceof PortTakenError) throw err;
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`influxd did not answer ${url}/ping within ${timeoutMs} ms`);
}

export async function startInfluxd(opts: InfluxdOptions): Promise<Influxd> {
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const port = opts.port ?? (await freeServerPort());
  let rpcPort = opts.rpcPort ?? (await freeServerPort());
  while (rpcPort === port) rpcPort = await freeServerPort();
  const conf = join(dir, 'influxd.conf');
  writeFileSync(conf, influxdConfig(dir, port, rpcPort, opts.auth === true));
  const log = openSync(join(dir, 'influxd.log'), 'a');
  const child = spawn(opts.binary ?? 'influxd', ['-config', conf], {
    stdio: ['ignore', log, log],
    env: { ...process.env, INFLUXDB_CONFIG_PATH: conf },
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    await waitForPing(url, conf, child, opts.startTimeoutMs ?? 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}; log: ${join(dir, 'influxd.log')}`);
  }
  return {
    url, port, rpcPort, dir, pid: child.pid ?? -1,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

async function cli(): Promise<void> {
  const args = process.argv.slice(2);
  const get = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const portArg = get('--port');
  const d = await startInfluxd({ dir: get('--dir') ?? './data/influxdb', port: portArg ? Number(portArg) : 8086 });
  process.stdout.write(`influxd ${d.pid} listening on ${d.url} (data in ${d.dir}); Ctrl-C stops it\n`);
  const stop = (): void => { void d.stop().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void cli();
