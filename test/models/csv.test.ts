import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRecords } from '../../models/csv.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and newlines', () => {
    const rows = parseCsv('a,b,c\r\n"x, y","he said ""hi""","two\nlines"\n');
    expect(rows).toEqual([['a', 'b', 'c'], ['x, y', 'he said "hi"', 'two\nlines']]);
  });
  it('keys records by the header and fills missing fields', () => {
    expect(parseCsvRecords('\ufeffpath,species,tape_id\nx.wav,Beluga\n')).toEqual([{ path: 'x.wav', species: 'Beluga', tape_id: '' }]);
  });
  it('rejects an unterminated quote, naming the source', () => {
    expect(() => parseCsv('a\n"oops', 'm.csv')).toThrow(/m\.csv: unterminated/);
  });
});
