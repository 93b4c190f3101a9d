// POSTs each alert as JSON. Retries network errors, timeouts, 5xx and 429 with exponential backoff
// (plus jitter); other 4xx mean the receiver refuses this alert and are not retried. Signs the body
// with HMAC-SHA256 when a secret is configured.
import type { Alert, AlertSink } from '../types.ts';
import { SIGNATURE_HEADER, signBody } from '../signature.ts';

export interface WebhookSinkOptions {
  readonly url: string;
  readonly secret?: string;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface WebhookSink extends AlertSink {
  /** Attempts beyond the first, over all alerts. */
  readonly retried: number;
}

class RefusedError extends Error {}

export function webhookSink(opts: WebhookSinkOptions): WebhookSink {
  const u = new URL(opts.url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`webhook ${opts.url}: only http(s) URLs`);
  const name = `webhook ${u.origin}${u.pathname}`;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const retries = opts.retries ?? 4;
  const base = opts.backoffMs ?? 1000;
  const maxBackoff = opts.maxBackoffMs ?? 60_000;
  let retried = 0;

  async function attempt(body: string): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'hydromon' };
    if (opts.secret) headers[SIGNATURE_HEADER] = signBody(opts.secret, body);
    let res: Response;
    try {
      res = await fetch(opts.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err as Error).message}`);
    }
    await res.arrayBuffer().catch(() => undefined); // drain so the connection is reused
    if (res.ok) return;
    const msg = `${name} answered ${res.status}`;
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new RefusedError(msg);
    throw new Error(msg);
  }

  return {
    name,
    get retried() { return retried; },
    async send(alert: Alert): Promise<void> {
      const body = JSON.stringify(alert);
      for (let i = 0; ; i++) {
        try {
          await attempt(body);
          return;
        } catch (err) {
          if (err instanceof RefusedError || i >= retries) throw err;
          retried++;
          const wait = Math.min(maxBackoff, base * 2 ** i);
          await new Promise((r) => setTimeout(r, wait * (0.75 + Math.random() * 0.5)));
        }
      }
    },
  };
}
