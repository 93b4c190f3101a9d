// Retry timing, pure: exponential backoff with jitter, and the server's Retry-After when it gives one.

/**
 * Delay before retry number `attempt` (0 = first retry): half of base·2^attempt fixed plus up to the
 * other half at random ("equal jitter"), so retries from parallel workers spread out but never come
 * sooner than base·2^(attempt−1).
 */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const span = baseMs * 2 ** attempt;
  return span / 2 + random() * (span / 2);
}

/**
 * Retry-After as milliseconds from `nowMs`: either delta-seconds or an HTTP date. Undefined when
 * absent or unreadable; never negative.
 */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const h = header.trim();
  if (h === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(h)) return Math.round(Number(h) * 1000);
  const t = Date.parse(h);
  return Number.isNaN(t) ? undefined : Math.max(0, t - nowMs);
}
