// Politeness per host: at most `concurrency` requests in flight and request starts at least
// `delayMs` apart. Every request (page, HEAD, audio, retry) passes through the gate of its host.
import { setTimeout as sleep } from 'node:timers/promises';

interface HostState {
  active: number;
  /** When the last request on this host actually started (ms epoch). */
  lastStart: number;
  /** Resolves when the previous acquirer has started: starts are serialised so gaps are real. */
  chain: Promise<void>;
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
      s = { active: 0, lastStart: -Infinity, chain: Promise.resolve(), waiters: [] };
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
    // Wait for the previous starter, then for the gap since its actual start (not a reserved time,
    // so a late timer cannot squeeze two starts together).
    const prev = s.chain;
    let started!: () => void;
    s.chain = new Promise<void>((r) => (started = r));
    try {
      await prev;
      const wait = s.lastStart + this.delayMs - Date.now();
      if (wait > 0) await sleep(wait, undefined, signal === undefined ? undefined : { signal });
      signal?.throwIfAborted();
      s.lastStart = Date.now();
    } catch (err) {
      release();
      throw signal?.aborted === true ? signal.reason : err;
    } finally {
      started();
    }
    return release;
  }
}
