// A species' "best of" page: a table with one row per cut; each row's `<audio><source src=…>` gives
// the audio path (served from whoicf2.whoi.edu), other cells the metadata the site shows (read by
// their header text, so column order may change without breaking us).
import { ancestor, attr, childElements, elementsByTag, parseHtml, text, type HtmlElement } from './html.ts';
import type { SpeciesLink, WatkinsCut } from './types.ts';

type Field = 'fileId' | 'tapeId' | 'recorded' | 'location' | 'sampleRate' | 'durationS';

// Header text → field. Order matters: "sample rate" before anything matching "rate".
const HEADER_RULES: readonly (readonly [RegExp, Field])[] = [
  [/tape/i, 'tapeId'],
  [/sampl|rate|\bhz\b/i, 'sampleRate'],
  [/duration|seconds|length|\bsec/i, 'durationS'],
  [/date|recorded/i, 'recorded'],
  [/location|site|area|place/i, 'location'],
  [/record\s*(no|num|#)|file|\brn\b|\bid\b|cut/i, 'fileId'],
];

function fieldOf(header: string): Field | undefined {
  for (const [re, f] of HEADER_RULES) if (re.test(header)) return f;
  return undefined;
}

function cellsOf(row: HtmlElement): HtmlElement[] {
  return childElements(row, ['td', 'th']);
}

/** Column index → field, from the table's first row that has `<th>` cells (none → no metadata). */
function headerMap(table: HtmlElement): Map<number, Field> {
  const map = new Map<number, Field>();
  const headerRow = elementsByTag(table, 'tr').find((r) => childElements(r, ['th']).length > 0);
  if (headerRow === undefined) return map;
  cellsOf(headerRow).forEach((c, i) => {
    const f = fieldOf(text(c));
    if (f !== undefined && ![...map.values()].includes(f)) map.set(i, f);
  });
  return map;
}

function fileIdFromUrl(url: string): string {
  const base = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  return base.replace(/\.[A-Za-z0-9]+$/, '');
}

function positiveNumber(s: string): number | undefined {
  const m = /[\d.]+/.exec(s.replace(/,/g, ''));
  const v = m === null ? NaN : Number(m[0]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/** Watkins ids are 5 characters of tape number then a 3-character cut number ("61025001" → "61025"). */
export function tapeFromFileId(fileId: string): string | undefined {
  return /^\d{5}[0-9A-Za-z]{3}$/.test(fileId) ? fileId.slice(0, 5) : undefined;
}

/**
 * Cuts listed on one species page, in page order, one per distinct file id.
 * @throws Error naming the species and URL when the page has no `<source src>` audio entries.
 */
export function parseSpeciesPage(html: string, species: SpeciesLink): WatkinsCut[] {
  const doc = parseHtml(html);
  const headers = new Map<HtmlElement, Map<number, Field>>();
  const out: WatkinsCut[] = [];
  const seen = new Set<string>();
  // The player's <source src> is the audio; older layouts of the site only had a "Download" link to
  // the same .wav, so such links count too (one entry per file id either way).
  const candidates = [
    ...elementsByTag(doc, 'source').map((el) => [el, attr(el, 'src')] as const),
    ...elementsByTag(doc, 'a').map((el) => [el, attr(el, 'href')] as const).filter(([, h]) => /\.wav(\?|#|$)/i.test(h ?? '')),
  ];
  for (const [source, rawSrc] of candidates) {
    const src = (rawSrc ?? '').trim();
    if (src === '' || /^javascript:/i.test(src)) continue;
    let audioUrl: string;
    try {
      audioUrl = new URL(src, species.url).href;
    } catch {
      continue;
    }
    const fileId = fileIdFromUrl(audioUrl);
    if (fileId === '' || seen.has(fileId)) continue;
    seen.add(fileId);

    const meta: Partial<Record<Field, string>> = {};
    const row = ancestor(source, 'tr');
    const table = row === undefined ? undefined : ancestor(row, 'table');
    if (row !== undefined && table !== undefined) {
      let map = headers.get(table);
      if (map === undefined) {
        map = headerMap(table);
        headers.set(table, map);
      }
      const cells = cellsOf(row);
      for (const [i, f] of map) {
        const v = cells[i] === undefined ? '' : text(cells[i]);
        if (v !== '') meta[f] = v;
      }
    }
    const sampleRate = meta.sampleRate === undefined ? undefined : positiveNumber(meta.sampleRate);
    const durationS = meta.durationS === undefined ? undefined : positiveNumber(meta.durationS);
    out.push({
      fileId,
      species: species.name,
      speciesSlug: species.slug,
      audioUrl,
      pageUrl: species.url,
      tapeId: meta.tapeId ?? tapeFromFileId(fileId),
      ...(meta.recorded !== undefined ? { recorded: meta.recorded } : {}),
      ...(meta.location !== undefined ? { location: meta.location } : {}),
      ...(sampleRate !== undefined ? { sampleRate } : {}),
      ...(durationS !== undefined ? { durationS } : {}),
    });
  }
  if (out.length === 0) {
    throw new Error(`species page "${species.name}": no <source src> (or <a href="….wav">) audio entries found at ${species.url}`);
  }
  return out;
}
