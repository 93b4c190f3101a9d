// A promise that gives up after `ms`. The original keeps running (fetches may still land; the
// store's writes are idempotent, so a late success is harmless) but its late failure is swallowed.
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    t = setTimeout(() => rej(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  p.catch(() => undefined);
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
