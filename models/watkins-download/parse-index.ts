// The species index (index.cfm): a `<select>` whose `<option value=…>` entries point at each
// species' "best of" page. Parsed with a real HTML parser; a changed layout is a clear error.
import { attr, elementsByTag, parseHtml, text, type HtmlElement } from './html.ts';
import { speciesSlug } from './slug.ts';
import type { SpeciesLink } from './types.ts';

/** Placeholder options ("Select a species", value "" or "#") lead nowhere. */
function isPlaceholder(value: string, label: string): boolean {
  return value === '' || value === '#' || /^(select|choose|--)/i.test(label);
}

function linksOf(select: HtmlElement, pageUrl: string): SpeciesLink[] {
  const seen = new Set<string>();
  const out: SpeciesLink[] = [];
  for (const opt of elementsByTag(select, 'option')) {
    const value = (attr(opt, 'value') ?? '').trim();
    const name = text(opt);
    if (isPlaceholder(value, name) || name === '') continue;
    let url: string;
    try {
      url = new URL(value, pageUrl).href;
    } catch {
      continue;
    }
    if (seen.has(url)) continue;
    seen.add(url);
    out.push({ name, slug: speciesSlug(name), url });
  }
  return out;
}

/**
 * Species links from the index page. Prefers the site's `select#getSpeciesCommon`; falls back to
 * the first `<select>` that has usable options.
 * @throws Error naming the URL when no such `<select>` exists.
 */
export function parseSpeciesIndex(html: string, pageUrl: string): SpeciesLink[] {
  const selects = elementsByTag(parseHtml(html), 'select');
  const preferred = selects.filter((s) => attr(s, 'id') === 'getSpeciesCommon');
  for (const s of [...preferred, ...selects]) {
    const links = linksOf(s, pageUrl);
    if (links.length > 0) return links;
  }
  throw new Error(`species index: no <select> with <option value> entries found at ${pageUrl}`);
}
