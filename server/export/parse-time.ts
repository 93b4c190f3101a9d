// Export times: ISO 8601 (`2026-11-24`, `2026-11-24T03:00`, `2026-11-24T03:00:00.5Z`,
// `2026-11-24T05:00+02:00`). A time without a zone is UTC — never the local zone of the machine,
// so the same command gives the same rows anywhere.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export function parseTime(s: string, what = 'time'): number {
  const m = ISO.exec(s.trim());
  if (!m) throw new Error(`${what} "${s}" is not an ISO 8601 time (e.g. 2026-11-24 or 2026-11-24T03:00:00Z)`);
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone = 'Z'] = m;
  const z = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = frac ? `.${frac.slice(1, 4).padEnd(3, '0')}` : '';
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${ms}${z}`);
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (!Number.isFinite(t) || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) {
    throw new Error(`${what} "${s}" is not a valid date/time`);
  }
  return t;
}
