import { describe, expect, it } from 'vitest';
import { parseTime } from '../../../server/export/parse-time.ts';

describe('parseTime', () => {
  it.each([
    ['2026-11-24', Date.UTC(2026, 10, 24)],
    ['2026-11-24T03:15', Date.UTC(2026, 10, 24, 3, 15)],
    ['2026-11-24T03:15:07Z', Date.UTC(2026, 10, 24, 3, 15, 7)],
    ['2026-11-24 03:15:07.25', Date.UTC(2026, 10, 24, 3, 15, 7, 250)],
    ['2026-11-24T05:15:07+02:00', Date.UTC(2026, 10, 24, 3, 15, 7)],
    ['2026-11-24T01:15:07-0200', Date.UTC(2026, 10, 24, 3, 15, 7)],
  ])('%s', (s, want) => {
    expect(parseTime(s)).toBe(want);
  });

  it.each(['yesterday', '2026-13-01', '2026-02-30', '2026-11-24T25:00', '1732417200000', ''])('refuses %j', (s) => {
    expect(() => parseTime(s, '--from')).toThrow(/--from/);
  });
});
