// Start time of a recording from its file name. Recorders and archives put it there in a handful of
// shapes; every match is validated as a real calendar time, so tape ids and serial numbers that
// merely look numeric do not turn into dates. Stamps are UTC unless the name carries an explicit
// offset (Z or ±hh:mm); zone words such as "EST" in NOPP6_EST_… are site codes, not time zones.
import { basename, extname } from 'node:path';

export interface FileStamp {
  /** Epoch milliseconds, UTC. */
  readonly t0: number;
  /** Which pattern matched, for logs. */
  readonly pattern: string;
}

const MIN_YEAR = 1970;
const MAX_YEAR = 2100;

/** Epoch ms of a calendar time, or null when any field is out of range (Feb 30, 25:00, …). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string | undefined): number | null {
  if (y < MIN_YEAR || y >= MAX_YEAR || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(ms).getUTCDate() !== d) return null; // day past the month's end
  const fracMs = frac ? Number(`0.${frac}`) * 1000 : 0;
  return ms + fracMs;
}

/** Minutes east of UTC from "Z", "+0130", "-05:00"; null for none. */
function offsetMinutes(tz: string | undefined): number {
  if (!tz || tz === 'Z' || tz === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(tz);
  if (!m) return 0;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

interface Pattern {
  readonly name: string;
  readonly re: RegExp;
  readonly parse: (m: RegExpExecArray) => number | null;
}

const PATTERNS: readonly Pattern[] = [
  {
    // 2000-05-19_00-15-00, 2023-06-01T12-30-00Z, 2023-06-01T12:30:00.250+02:00, 2023-06-01 12.30.00
    name: 'YYYY-MM-DD_HH-MM-SS',
    re: /(?<!\d)(\d{4})-(\d{2})-(\d{2})[_T ](\d{2})[-:.](\d{2})[-:.](\d{2})(?:[.,](\d{1,6}))?(Z|z|[+-]\d{2}:?\d{2})?(?!\d)/,
    parse: (m) => {
      const t = utc(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], m[7]);
      return t === null ? null : t - offsetMinutes(m[8]) * 60_000;
    },
  },
  {
    // 20090328_001500 (NOPP6_EST_…), 20230601T123000Z, 20230601-123000, 20230601_123000.125
    name: 'YYYYMMDD_HHMMSS',
    re: /(?<!\d)(\d{4})(\d{2})(\d{2})[_T-](\d{2})(\d{2})(\d{2})(?:[.,](\d{1,6}))?(Z|z|[+-]\d{2}:?\d{2})?(?!\d)/,
    parse: (m) => {
      const t = utc(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], m[7]);
      return t === null ? null : t - offsetMinutes(m[8]) * 60_000;
    },
  },
  {
    // SoundTrap: <serial>.<yyMMddHHmmss>, e.g. 5038.210101120000 (20xx assumed).
    name: 'serial.YYMMDDHHMMSS',
    re: /^\d+\.(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/,
    parse: (m) => utc(2000 + +m[1], +m[2], +m[3], +m[4], +m[5], +m[6], undefined),
  },
  {
    // Orcasound-style unix seconds (or ms): the whole name is the stamp, optionally after a word
    // ("live1591234567"). A bare number anywhere else is too easily a serial to trust.
    name: 'unix',
    re: /^(?:[A-Za-z][A-Za-z_-]*?[_-]?)?(\d{10}|\d{13})$/,
    parse: (m) => {
      const v = m[1].length === 13 ? Number(m[1]) : Number(m[1]) * 1000;
      return v >= Date.UTC(2000, 0, 1) && v < Date.UTC(MAX_YEAR, 0, 1) ? v : null;
    },
  },
];

/**
 * The start time a file name carries, or null. Only the base name (without extension) is looked at:
 * a stamp in a folder name belongs to the folder, not to every file in it.
 */
export function parseFileTimestamp(fileName: string): FileStamp | null {
  const base = basename(fileName, extname(fileName));
  for (const p of PATTERNS) {
    const m = p.re.exec(base);
    if (!m) continue;
    const t0 = p.parse(m);
    if (t0 !== null && Number.isFinite(t0)) return { t0, pattern: p.name };
  }
  return null;
}
