// HTTP for the downloader: a plain User-Agent naming the project, per-host rate limit (HostGate),
// per-request timeout, and retries with exponential backoff + jitter on 429 (honouring Retry-After),
// 5xx, timeouts, network errors and truncated bodies.
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs, retryAfterMs } from './backoff.ts';
import { HostGate } from './host-gate.ts';

export const DEFAULT_USER_AGENT = 'hydromon-dataset/0.1 (+research; non-commercial)';

export interface PoliteClientOptions {
  readonly userAgent?: string;
  /** Requests in flight per host. Default 2. */
  readonly concurrency?: number;
  /** Minimum gap between request starts per host, ms. Default 1000. */
  readonly delayMs?: number;
  /** Retries after the first attempt. Default 5. */
  readonly retries?: number;
  /** Backoff base, ms (first retry waits 0.5–1× this, doubling after). Default 1000. */
  readonly retryBaseMs?: number;
  /** Cap on a server's Retry-After, ms. Default 120000. */
  readonly maxRetryAfterMs?: number;
  /** Per-attempt timeout (headers and body), ms. Default 60000. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onRetry?: (url: string, attempt: number, delayMs: number, reason: string) => void;
  readonly random?: () => number;
}

/** A failure worth another attempt (the server or the network may do better next time). */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** A failure that another attempt will not fix (404, not audio, …). */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const c = cause instanceof Error ? `: ${cause.message}` : '';
    return `${err.message}${c}`;
  }
  return String(err);
}

export class PoliteClient {
  readonly userAgent: string;
  private readonly gate: HostGate;
  private readonly retriesMax: number;
  private readonly retryBaseMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly onRetry: PoliteClientOptions['onRetry'];
  private readonly random: () => number;
  /** Retries performed so far (all URLs). */
  retries = 0;

  constructor(opts: PoliteClientOptions = {}) {
    this.userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
    this.gate = new HostGate(opts.concurrency ?? 2, opts.delayMs ?? 1000);
    this.retriesMax = opts.retries ?? 5;
    this.retryBaseMs = opts.retryBaseMs ?? 1000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.signal = opts.signal;
    this.onRetry = opts.onRetry;
    this.random = opts.random ?? Math.random;
  }

  /**
   * One request with retries. `consume` reads the (2xx) response inside the host slot and may throw
   * RetryableError (e.g. truncated body) or PermanentError. Resolves to what `consume` returns.
   * @throws PermanentError (after retries are exhausted too), or the abort reason when aborted.
   */
  async request<T>(
    url: string,
    method: 'GET' | 'HEAD',
    consume: (res: Response, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const host = new URL(url).host;
    for (let attempt = 0; ; attempt++) {
      this.signal?.throwIfAborted();
      let retryable: RetryableError;
      const release = await this.gate.acquire(host, this.signal);
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = this.signal === undefined ? timeout : AbortSignal.any([this.signal, timeout]);
      try {
        const res = await fetch(url, { method, headers: { 'user-agent': this.userAgent }, signal, redirect: 'follow' });
        if (res.status === 429 || res.status >= 500) {
          await res.body?.cancel().catch(() => undefined);
          throw new RetryableError(`HTTP ${res.status} ${res.statusText}`.trim(), retryAfterMs(res.headers.get('retry-after'), Date.now()));
        }
        if (!res.ok) {
          await res.body?.cancel().catch(() => undefined);
          throw new PermanentError(`HTTP ${res.status} ${res.statusText}`.trim());
        }
        return await consume(res, signal);
      } catch (err) {
        if (this.signal?.aborted === true) throw this.signal.reason;
        if (err instanceof PermanentError) throw new PermanentError(`${url}: ${err.message}`);
        if (err instanceof RetryableError) retryable = err;
        else if (timeout.aborted) retryable = new RetryableError(`timed out after ${this.timeoutMs} ms`);
        // fetch reports network failures (refused, reset, closed early) as TypeError.
        else if (err instanceof TypeError) retryable = new RetryableError(`network error: ${describe(err)}`);
        else throw err;
      } finally {
        release();
      }
      if (attempt >= this.retriesMax) {
        throw new PermanentError(`${url}: ${retryable.message} (gave up after ${attempt + 1} attempts)`);
      }
      const backoff = backoffMs(attempt, this.retryBaseMs, this.random);
      const ra = retryable.retryAfterMs === undefined ? 0 : Math.min(retryable.retryAfterMs, this.maxRetryAfterMs);
      const delay = Math.max(backoff, ra);
      this.retries++;
      this.onRetry?.(url, attempt + 1, delay, retryable.message);
      try {
        await sleep(delay, undefined, this.signal === undefined ? undefined : { signal: this.signal });
      } catch {
        throw this.signal?.reason ?? new Error('aborted');
      }
    }
  }

  /** GET a page as text. */
  getText(url: string): Promise<string> {
    return this.request(url, 'GET', async (res) => res.text());
  }

  /** HEAD: the Content-Length the server announces, or undefined. */
  contentLength(url: string): Promise<number | undefined> {
    return this.request(url, 'HEAD', async (res) => {
      const v = res.headers.get('content-length');
      const n = v === null ? NaN : Number(v);
      return Number.isInteger(n) && n >= 0 ? n : undefined;
    });
  }
}
