// Thin helpers over htmlparser2's DOM so the page parsers read like the page structure they expect.
// Only htmlparser2 is a declared dependency, so DOM types are derived from its exports.
import { DomUtils, parseDocument } from 'htmlparser2';

export type HtmlDocument = ReturnType<typeof parseDocument>;
export type HtmlElement = ReturnType<typeof DomUtils.findAll>[number];
type HtmlNode = HtmlDocument['children'][number];

function isElement(n: HtmlNode | HtmlDocument | null): n is HtmlElement {
  return n !== null && 'attribs' in n && 'name' in n;
}

export function parseHtml(html: string): HtmlDocument {
  return parseDocument(html, { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true });
}

/** All elements named `tag` under `root` (document order). */
export function elementsByTag(root: HtmlDocument | HtmlElement | readonly HtmlNode[], tag: string): HtmlElement[] {
  const nodes: HtmlNode[] = Array.isArray(root) ? [...root] : [root as HtmlNode];
  return DomUtils.findAll((el) => el.name === tag, nodes as Parameters<typeof DomUtils.findAll>[1]);
}

/** Children of `el` that are elements named one of `tags` (direct children only). */
export function childElements(el: HtmlElement, tags: readonly string[]): HtmlElement[] {
  return DomUtils.getChildren(el).filter(
    (c): c is HtmlElement => isElement(c) && tags.includes(c.name),
  );
}

export function attr(el: HtmlElement, name: string): string | undefined {
  return DomUtils.getAttributeValue(el, name);
}

/** Visible text with runs of whitespace collapsed (table cells on the site carry layout whitespace). */
export function text(el: HtmlElement): string {
  return DomUtils.textContent(el).replace(/\s+/g, ' ').trim();
}

/** Nearest ancestor named `tag`, or undefined. */
export function ancestor(el: HtmlElement, tag: string): HtmlElement | undefined {
  let p = el.parent;
  while (p !== null) {
    if (isElement(p) && p.name === tag) return p;
    p = p.parent;
  }
  return undefined;
}
