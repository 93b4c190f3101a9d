import { describe, expect, it } from 'vitest';
import { backoffMs, retryAfterMs } from '../../../models/watkins-download/backoff.ts';

describe('backoff', () => {
  it('doubles per attempt with jitter in [span/2, span]', () => {
    expect(backoffMs(0, 100, () => 0)).toBe(50);
    expect(backoffMs(0, 100, () => 1)).toBe(100);
    expect(backoffMs(3, 100, () => 0)).toBe(400);
    expect(backoffMs(3, 100, () => 0.5)).toBe(600);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('0.25', now)).toBe(250);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
