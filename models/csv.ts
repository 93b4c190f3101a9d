// A small RFC-4180 CSV reader: quoted fields, doubled quotes, commas and newlines inside quotes.
// Manifests and annotation tables are tiny, so the whole text is parsed at once.

/** Rows of fields; a trailing empty line is dropped. Throws on an unterminated quote. */
export function parseCsv(text: string, source = 'csv'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let i = 0;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < s.length) {
    const c = s[i];
    if (inQuotes) {
      if (c === '"') {
        if (s[i + 1] === '"') { field += '"'; i += 2; continue; }
        inQuotes = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { inQuotes = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' || c === '\n') {
      row.push(field); field = '';
      if (!(row.length === 1 && row[0] === '')) rows.push(row);
      row = [];
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += c; i++;
  }
  if (inQuotes) throw new Error(`${source}: unterminated quoted field`);
  row.push(field);
  if (!(row.length === 1 && row[0] === '')) rows.push(row);
  return rows;
}

/** Rows as objects keyed by the header (first row). Missing trailing fields become ''. */
export function parseCsvRecords(text: string, source = 'csv'): Record<string, string>[] {
  const rows = parseCsv(text, source);
  if (rows.length === 0) throw new Error(`${source}: empty file, expected a header row`);
  const header = rows[0].map((h) => h.trim());
  return rows.slice(1).map((r) => {
    const rec: Record<string, string> = {};
    header.forEach((h, j) => { rec[h] = (r[j] ?? '').trim(); });
    return rec;
  });
}
