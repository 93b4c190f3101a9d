// CSV (RFC 4180, comma, CRLF-free: \n line ends) with a header; times as ISO 8601 UTC.
import type { Detection } from '../../streams/types.ts';

export const CSV_HEADER = 'id,station,species,confidence,start_utc,end_utc,duration_s,model,freq_low_hz,freq_high_hz,file,file_offset_s,clip';

function cell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(d: Detection): string {
  return [
    d.id, d.station, d.species, d.confidence,
    new Date(d.start).toISOString(), new Date(d.end).toISOString(),
    Math.round(d.end - d.start) / 1000, d.model, d.freqLowHz, d.freqHighHz,
    d.origin?.file, d.origin?.offsetS, d.clip,
  ].map(cell).join(',');
}
