// Collects items and hands them on in batches (by count or by age), one batch at a time and in
// order. Each add() resolves when the batch holding its items has been flushed, so a caller that
// awaits gets the flush's durability, while many small calls still share one request.
export interface BatcherOptions {
  /** Flush as soon as this many items wait. */
  readonly maxItems: number;
  /** Flush items that have waited this long. */
  readonly maxDelayMs: number;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export class Batcher<T> {
  private pending: T[] = [];
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly flushFn: (items: T[]) => Promise<void>,
    private readonly opts: BatcherOptions,
  ) {}

  get size(): number {
    return this.pending.length;
  }

  add(items: readonly T[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('batcher is closed'));
    if (items.length === 0) return this.chain;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    for (const it of items) this.pending.push(it);
    if (this.pending.length >= this.opts.maxItems) void this.kick();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.kick(), this.opts.maxDelayMs);
    }
    return done;
  }

  /** Flush whatever waits now; resolves when every earlier batch is done. */
  flush(): Promise<void> {
    return this.kick();
  }

  async close(): Promise<void> {
    await this.kick();
    this.closed = true;
  }

  private kick(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return this.chain;
    const items = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.chain = this.chain
      .then(() => this.flushFn(items))
      .then(
        () => { for (const w of waiters) w.resolve(); },
        (err: unknown) => { for (const w of waiters) w.reject(err); },
      );
    return this.chain;
  }
}
