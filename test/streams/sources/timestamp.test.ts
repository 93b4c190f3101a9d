import { describe, it, expect } from 'vitest';
import { parseFileTimestamp } from '../../../streams/sources/timestamp.ts';

const iso = (s: string): number => Date.parse(s);

describe('parseFileTimestamp: names that carry a start time', () => {
  const cases: [string, string][] = [
    ['NOPP6_EST_20090328_001500.wav', '2009-03-28T00:15:00Z'],
    ['/data/narw/NOPP6_EST_20090328_000000.flac', '2009-03-28T00:00:00Z'],
    ['GSC_2000-05-19_00-15-00.wav', '2000-05-19T00:15:00Z'],
    ['site_2023-06-01T12-30-00Z.wav', '2023-06-01T12:30:00Z'],
    ['2023-06-01T12:30:00.250+02:00.wav', '2023-06-01T10:30:00.250Z'],
    ['hydro 2023-06-01 12.30.00.wav', '2023-06-01T12:30:00Z'],
    ['20230601T123000Z.wav', '2023-06-01T12:30:00Z'],
    ['20230601-123000.wav', '2023-06-01T12:30:00Z'],
    ['AM_20230601_235959.WAV', '2023-06-01T23:59:59Z'],
    ['rec_20240229_120000_ch1.flac', '2024-02-29T12:00:00Z'],
    ['20230601T123000-0500.wav', '2023-06-01T17:30:00Z'],
    ['20230601_123000.125.wav', '2023-06-01T12:30:00.125Z'],
    ['5038.210101120000.wav', '2021-01-01T12:00:00Z'],
    ['1591234567.wav', '2020-06-04T01:36:07Z'],
    ['live1591234567.ts', '2020-06-04T01:36:07Z'],
    ['1591234567890.wav', '2020-06-04T01:36:07.890Z'],
  ];
  for (const [name, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      const s = parseFileTimestamp(name);
      expect(s).not.toBeNull();
      expect(s!.t0).toBe(iso(expected));
    });
  }
});

describe('parseFileTimestamp: names that must not match', () => {
  const none = [
    '6102700A.wav', // Watkins tape/cut id
    '72021001.wav', // 8 digits, a cut id, not a date
    '20090328.wav', // date without a time: ambiguous, left to config/mtime
    'NOPP6_EST_20090332_001500.wav', // 32 March
    'rec_20230229_120000.wav', // 2023 is not a leap year
    'rec_20230601_246000.wav', // hour 24
    'rec_18500601_120000.wav', // before 1970
    'clip_12345.wav',
    'station-1234567890123456.wav', // 16 digits: a serial
    'tape_99_1234567890_take2.wav', // a 10-digit number inside a name
    '0000000001.wav', // unix 1 s: before 2000
    'x120230601_123000.wav', // digits run into the stamp
    '20230601_1230001.wav', // 7-digit time
    '',
  ];
  for (const name of none) {
    it(`'${name}' → null`, () => { expect(parseFileTimestamp(name)).toBeNull(); });
  }

  it('a stamp in a folder name is not the file\'s', () => {
    expect(parseFileTimestamp('/data/2023-06-01_12-00-00/clip.wav')).toBeNull();
  });
});
