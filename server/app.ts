// The dashboard server: REST under /api, the live socket at /ws, Prometheus at /metrics and the
// built client at /. One plugin per concern; this file only wires them to the monitor.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { authHook, resolveToken } from './auth.ts';
import { trackLiveState } from './live-state.ts';
import { metricsRoutes } from './metrics.ts';
import type { MonitorHandle } from './monitor-types.ts';
import { alertRoutes } from './routes/alerts.ts';
import { clipRoutes } from './routes/clips.ts';
import { detectionRoutes } from './routes/detections.ts';
import { encounterRoutes } from './routes/encounters.ts';
import { healthRoutes } from './routes/health.ts';
import { stationRoutes, stationsWithStatus } from './routes/stations.ts';
import { SocketHub, socketRoutes, type SocketCaps } from './ws.ts';

export interface BuildAppOptions {
  /** Interface the server will listen on; decides whether a token is required. Default 127.0.0.1. */
  readonly host?: string;
  /** Shared secret for /api, /ws and /metrics; default env HYDROMON_TOKEN. Required off loopback. */
  readonly token?: string;
  /** Built client folder; default client/dist of the project. */
  readonly clientDir?: string;
  readonly logger?: boolean;
  /** Back-pressure limits of the live socket. */
  readonly socket?: SocketCaps;
  /** The clip writer's post-roll, seconds (where the detection sits in a clip); default: centred. */
  readonly clipPostRollS?: number;
}

export const DEFAULT_HOST = '127.0.0.1';
/** client/dist of the project (computed when asked: under jsdom tests import.meta.url is not a file URL). */
export function defaultClientDir(): string {
  return fileURLToPath(new URL('../client/dist', import.meta.url));
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hydromon</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>hydromon dashboard is not built</h1>
<p>The server is running and the API answers under <code>/api</code>, but the web client has not been built.</p>
<p>Run <code>npm run build:client</code> in the project folder, then reload this page.</p>
</body></html>`;

export async function buildApp(monitor: MonitorHandle, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const host = opts.host ?? DEFAULT_HOST;
  const token = resolveToken(host, opts.token); // throws off loopback without a token
  const clientDir = opts.clientDir ?? defaultClientDir();
  // forceCloseConnections: a browser holding a keep-alive or half-finished request must not stall a restart.
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 64 * 1024, forceCloseConnections: true });

  const live = trackLiveState(monitor);
  const hub = new SocketHub(monitor, () => stationsWithStatus(monitor, live), opts.socket);
  app.addHook('onClose', async () => { hub.close(); live.close(); });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const code = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (code >= 500) req.log.error(err);
    void reply.code(code).send({ error: code >= 500 ? 'internal' : 'bad_request', message: code >= 500 ? 'internal server error' : err.message });
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  // After the websocket plugin: its onRequest hook must mark upgrade requests first, so that a
  // refused upgrade's socket is destroyed after the 401 instead of lingering.
  if (token !== null) app.addHook('onRequest', authHook(token));
  const deps = { monitor, live };
  await app.register(async (api) => {
    await api.register(stationRoutes, deps);
    await api.register(detectionRoutes, deps);
    await api.register(encounterRoutes, deps);
    await api.register(clipRoutes, { ...deps, ...(opts.clipPostRollS !== undefined ? { postRollS: opts.clipPostRollS } : {}) });
    await api.register(alertRoutes, deps);
    await api.register(healthRoutes, deps);
  }, { prefix: '/api' });
  await app.register(metricsRoutes, { monitor, sockets: () => hub.stats() });
  await app.register(socketRoutes, { hub });

  const built = existsSync(`${clientDir}/index.html`);
  if (built) {
    // wildcard: files are looked up per request, so a client rebuilt while the server runs is served.
    await app.register(fastifyStatic, { root: clientDir, wildcard: true, index: ['index.html'] });
  } else {
    app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE));
  }
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0];
    // A missing file (an asset of a newer build, say) is a 404, not the app shell.
    const isFile = /\.[a-z0-9]{1,8}$/i.test(path) && !path.endsWith('.html');
    if (path.startsWith('/api/') || path === '/api' || path === '/ws' || req.method !== 'GET' || isFile) {
      return reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${path}` });
    }
    // Client-side routes (and missing assets) get the app shell.
    if (built) return reply.sendFile('index.html');
    return reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
  });
  return app;
}

/** Build the app and listen on host:port (port 0 picks a free one). Returns the base URL. */
export async function startServer(
  monitor: MonitorHandle,
  opts: BuildAppOptions & { readonly port?: number } = {},
): Promise<{ app: FastifyInstance; url: string }> {
  const host = opts.host ?? DEFAULT_HOST;
  const app = await buildApp(monitor, { ...opts, host });
  await app.listen({ host, port: opts.port ?? 8080 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port ?? 8080;
  const h = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${h}:${port}` };
}
