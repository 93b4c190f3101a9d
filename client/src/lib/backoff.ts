// Reconnect delays: doubling from `base` up to `max`, with jitter so many tabs do not reconnect in step.
export function backoffDelay(attempt: number, base = 500, max = 10_000, random: () => number = Math.random): number {
  const d = Math.min(max, base * 2 ** Math.max(0, attempt));
  return Math.round(d * (0.75 + 0.5 * random()));
}
