// Raven Pro selection table (tab-separated). Begin/End Time (s) are seconds from the export's
// --from (Raven opens them against a recording or a sound-file sequence that starts there).
// When the detection came from an archived file, Begin Path is that file and File Offset (s)
// its offset inside it, so Raven can also open each selection in its own file. Unknown
// frequency bands are written as 0 (low) and 0 (high) unless `band` gives a default.
import type { Detection } from '../../streams/types.ts';

export const RAVEN_HEADER = 'Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tSpecies\tConfidence\tBegin Path\tFile Offset (s)';

export interface RavenOptions {
  /** Epoch ms that Begin Time 0 stands for (the export's --from). */
  readonly origin: number;
  /** Band written when a detection has none. */
  readonly band?: readonly [number, number];
}

const clean = (s: string): string => s.replace(/[\t\r\n]+/g, ' ');
const sec = (ms: number): string => String(Math.round(ms) / 1000);

export function ravenRow(d: Detection, selection: number, opts: RavenOptions): string {
  return [
    selection, 'Spectrogram 1', 1,
    sec(d.start - opts.origin), sec(d.end - opts.origin),
    d.freqLowHz ?? opts.band?.[0] ?? 0, d.freqHighHz ?? opts.band?.[1] ?? 0,
    clean(d.species), d.confidence,
    d.origin ? clean(d.origin.file) : '', d.origin ? d.origin.offsetS : '',
  ].join('\t');
}
