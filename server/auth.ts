// Who may use the API. On the loopback interface the dashboard is open (only this machine can
// reach it); bound anywhere else a shared token is required, and starting without one is refused.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * The token in force for `host`: opts token, else HYDROMON_TOKEN, else none. Throws (refusing to
 * start) when the host is not loopback and there is no token.
 */
export function resolveToken(host: string, token: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const t = (token ?? env.HYDROMON_TOKEN ?? '').trim();
  if (t) return t;
  if (!isLoopback(host)) {
    throw new Error(
      `hydromon server: refusing to listen on ${host} without a token. Anyone on that network could read ` +
        'detections and station sources. Set HYDROMON_TOKEN (or pass a token), or listen on 127.0.0.1.',
    );
  }
  return null;
}

/** The token a request carries: `Authorization: Bearer …` or `?token=…` (browsers cannot set headers on WebSocket or <audio>). */
export function requestToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(h.trim());
    if (m) return m[1].trim();
  }
  const q = req.query as Record<string, unknown> | undefined;
  const t = q?.token;
  return typeof t === 'string' && t ? t : null;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Paths that need the token: the API, the socket and the metrics; the static client does not. */
export function isProtectedPath(url: string): boolean {
  const path = url.split('?')[0];
  return path === '/api' || path.startsWith('/api/') || path === '/ws' || path === '/metrics';
}

/** onRequest hook: 401 for protected paths without the right token. */
export function authHook(token: string) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!isProtectedPath(req.url)) return;
    const got = requestToken(req);
    if (got !== null && sameToken(got, token)) return;
    reply.header('www-authenticate', 'Bearer');
    await reply.code(401).send({ error: 'unauthorized', message: 'a valid token is required (Authorization: Bearer <token> or ?token=)' });
  };
}
