// Option values checked once, with messages that say which option was wrong.
export function parseSpeed(s: string): number | 'max' {
  if (s === 'max') return 'max';
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--speed must be a positive number or "max", not "${s}"`);
  return n;
}

export function parsePositive(name: string, s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${s}"`);
  return n;
}
