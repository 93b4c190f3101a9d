// Stands between the pipeline and one alert sink: offer() never waits. Alerts queue (bounded;
// when full the oldest is dropped and counted) and one worker sends them in order. A sink that
// fails, or hangs past `deadlineMs`, costs only its own queue, never the pipeline.
import type { Alert, AlertSink } from './types.ts';

export interface SinkStats {
  readonly queued: number;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  /** Extra attempts the sink made (webhook retries), when it counts them. */
  readonly retried?: number;
}

export interface SinkQueueOptions {
  readonly capacity?: number;
  /** Give up on one send after this long (default 5 min: webhook retries included). */
  readonly deadlineMs?: number;
  /** Told once per failed alert (e.g. to log it). */
  readonly onError?: (sink: string, alert: Alert, err: Error) => void;
}

export class SinkQueue {
  private readonly q: Alert[] = [];
  private running: Promise<void> | undefined;
  private counts = { sent: 0, failed: 0, dropped: 0 };
  private readonly capacity: number;

  constructor(readonly sink: AlertSink, private readonly opts: SinkQueueOptions = {}) {
    this.capacity = opts.capacity ?? 1000;
  }

  offer(alert: Alert): void {
    this.q.push(alert);
    while (this.q.length > this.capacity) {
      this.q.shift();
      this.counts.dropped++;
    }
    if (!this.running) this.running = this.work().finally(() => { this.running = undefined; });
  }

  stats(): SinkStats {
    const retried = (this.sink as { retried?: unknown }).retried;
    return { queued: this.q.length, ...this.counts, ...(typeof retried === 'number' ? { retried } : {}) };
  }

  /** Resolves when the queue is empty, or after `timeoutMs` (then false). */
  async idle(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running || this.q.length > 0) {
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  private async work(): Promise<void> {
    // Yield first so offer() returns before any sink code runs.
    await Promise.resolve();
    for (let a = this.q.shift(); a !== undefined; a = this.q.shift()) {
      let t: NodeJS.Timeout | undefined;
      try {
        const deadline = this.opts.deadlineMs ?? 300_000;
        await Promise.race([
          this.sink.send(a),
          new Promise<never>((_, rej) => { t = setTimeout(() => rej(new Error(`${this.sink.name}: no answer within ${deadline} ms`)), deadline); }),
        ]);
        this.counts.sent++;
      } catch (err) {
        this.counts.failed++;
        this.opts.onError?.(this.sink.name, a, err instanceof Error ? err : new Error(String(err)));
      } finally {
        clearTimeout(t);
      }
    }
  }
}
