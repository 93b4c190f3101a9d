// Politeness per host: at most `concurrency` requests in flight and request starts at least
// `delayMs` apart. Every request (page, HEAD, audio, retry) passes through the gate of its host.
import { setTimeout as sleep } from 'node:timers/promises';

interface HostState {
  active: number;
  nextStart: number;
  readonly waiters: (() => void)[];
}

export class HostGate {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private readonly concurrency: number,
    private readonly delayMs: number,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    if (!(delayMs >= 0)) throw new RangeError(`delay must be ≥ 0 ms, got ${delayMs}`);
  }

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (s === undefined) {
      s = { active: 0, nextStart: 0, waiters: [] };
      this.hosts.set(host, s);
    }
    return s;
  }

  /** Wait for a slot on `host`; resolves to the release function (call it exactly once). */
  async acquire(host: string, signal?: AbortSignal): Promise<() => void> {
    const s = this.state(host);
    while (s.active >= this.concurrency) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        s.waiters.push(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
    signal?.throwIfAborted();
    s.active++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      s.active--;
      s.waiters.shift()?.();
    };
    // Reserve the next start time synchronously so concurrent callers queue up behind each other.
    const now = Date.now();
    const start = Math.max(now, s.nextStart);
    s.nextStart = start + this.delayMs;
    if (start > now) {
      try {
        await sleep(start - now, undefined, signal === undefined ? undefined : { signal });
      } catch (err) {
        release();
        throw err;
      }
    }
    return release;
  }
}
