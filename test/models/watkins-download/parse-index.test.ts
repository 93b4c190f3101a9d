import { describe, expect, it } from 'vitest';
import { parseSpeciesIndex } from '../../../models/watkins-download/parse-index.ts';
import { indexHtml, syntheticWatkinsSpecies } from '../../helpers/watkins-fixture-server.ts';

const URL0 = 'https://cis.whoi.edu/science/B/whalesounds/index.cfm';

describe('parseSpeciesIndex', () => {
  it('reads every species option of the site-shaped index, skipping the placeholder, resolving relative links', () => {
    const species = syntheticWatkinsSpecies();
    const links = parseSpeciesIndex(indexHtml(species), URL0);
    expect(links.map((l) => l.name)).toEqual(species.map((s) => s.name));
    expect(links[0].url).toBe('https://cis.whoi.edu/science/B/whalesounds/bestOf.cfm?code=AC2A');
    expect(links[1]).toEqual({
      name: "Fraser's Dolphin",
      slug: 'frasers-dolphin',
      url: 'https://cis.whoi.edu/science/B/whalesounds/bestOf.cfm?code=BD5A',
    });
  });

  it('accepts absolute option values and an unnamed select, ignoring a select of something else', () => {
    const html = `<html><body>
      <select name="year"><option value="">Any</option></select>
      <select><option>Pick one</option>
        <option value="https://whoicf2.whoi.edu/science/B/whalesounds/bestOf.cfm?code=BE7A">Killer  Whale</option>
        <option value="https://whoicf2.whoi.edu/science/B/whalesounds/bestOf.cfm?code=BE7A">Killer Whale</option>
      </select></body></html>`;
    expect(parseSpeciesIndex(html, URL0)).toEqual([
      { name: 'Killer Whale', slug: 'killer-whale', url: 'https://whoicf2.whoi.edu/science/B/whalesounds/bestOf.cfm?code=BE7A' },
    ]);
  });

  it('names what is missing when the layout changed', () => {
    const html = '<html><body><ul><li><a href="bestOf.cfm?code=AC2A">Humpback Whale</a></li></ul></body></html>';
    expect(() => parseSpeciesIndex(html, URL0)).toThrow(
      `species index: no <select> with <option value> entries found at ${URL0}`,
    );
    expect(() => parseSpeciesIndex('<select id="getSpeciesCommon"><option value="">Select</option></select>', URL0)).toThrow(/no <select> with <option value>/);
  });
});
