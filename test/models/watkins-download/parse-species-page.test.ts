import { describe, expect, it } from 'vitest';
import { parseSpeciesPage, tapeFromFileId } from '../../../models/watkins-download/parse-species-page.ts';
import type { SpeciesLink } from '../../../models/watkins-download/types.ts';
import { speciesHtml, syntheticWatkinsSpecies } from '../../helpers/watkins-fixture-server.ts';

const link: SpeciesLink = { name: 'Humpback Whale', slug: 'humpback-whale', url: 'https://cis.whoi.edu/science/B/whalesounds/bestOf.cfm?code=AC2A' };

describe('parseSpeciesPage', () => {
  it('lists every <source src> cut with the metadata its row shows', () => {
    const [humpback] = syntheticWatkinsSpecies();
    const cuts = parseSpeciesPage(speciesHtml(humpback, 'https://whoicf2.whoi.edu'), link);
    expect(cuts.map((c) => c.fileId)).toEqual(humpback.cuts.map((c) => c.fileId));
    expect(cuts[3]).toEqual({
      fileId: '7000100A',
      species: 'Humpback Whale',
      speciesSlug: 'humpback-whale',
      audioUrl: 'https://whoicf2.whoi.edu/science/B/whalesounds/WhaleSounds/7000100A.wav',
      pageUrl: link.url,
      tapeId: '70001',
      recorded: '01-Jul-1970',
      location: 'Woods Hole, MA',
      sampleRate: 8000,
    });
  });

  it('reads columns by their header, not their position, and resolves relative sources', () => {
    const html = `<table>
      <tr><th>Seconds</th><th>Tape</th><th>Location</th><th>Audio</th><th>Date Recorded</th></tr>
      <tr><td>2.5</td><td>T-9</td><td>Bermuda</td><td><audio><source src="WhaleSounds/5511300A.wav"></audio></td><td>30-Apr-1953</td></tr>
      <tr><td></td><td></td><td></td><td><audio><source src="/science/B/whalesounds/WhaleSounds/x1.wav"></audio></td><td></td></tr>
    </table>`;
    const cuts = parseSpeciesPage(html, link);
    expect(cuts[0]).toMatchObject({ fileId: '5511300A', tapeId: 'T-9', location: 'Bermuda', recorded: '30-Apr-1953', durationS: 2.5 });
    expect(cuts[0].audioUrl).toBe('https://cis.whoi.edu/science/B/whalesounds/WhaleSounds/5511300A.wav');
    expect(cuts[1]).toEqual({
      fileId: 'x1', species: 'Humpback Whale', speciesSlug: 'humpback-whale',
      audioUrl: 'https://cis.whoi.edu/science/B/whalesounds/WhaleSounds/x1.wav', pageUrl: link.url, tapeId: undefined,
    });
  });

  it('also takes the older layout: a Download link to the .wav, with metadata from its row', () => {
    const html = `<table><tr><th>Location</th><th>Date</th><th>Download</th><th>Metadata</th></tr>
      <tr><td>Trinity Bay</td><td>18-Jul-1954</td><td><a href="WhaleSounds/54024008.WAV" target="_blank">Download</a></td>
      <td><a href="javascript:popUpWin('metaData.cfm?RN=54024008');">Metadata</a></td></tr></table>`;
    expect(parseSpeciesPage(html, link)).toEqual([{
      fileId: '54024008', species: 'Humpback Whale', speciesSlug: 'humpback-whale',
      audioUrl: 'https://cis.whoi.edu/science/B/whalesounds/WhaleSounds/54024008.WAV', pageUrl: link.url,
      tapeId: '54024', location: 'Trinity Bay', recorded: '18-Jul-1954',
    }]);
  });

  it('fails naming species and URL when the page has no audio entries', () => {
    const html = '<table><tr><td><a href="metaData.cfm?RN=1">Metadata</a></td><td><img src="x.png"></td></tr></table>';
    expect(() => parseSpeciesPage(html, link)).toThrow(
      `species page "Humpback Whale": no <source src> (or <a href="….wav">) audio entries found at ${link.url}`,
    );
  });

  it('derives the tape from a Watkins file id', () => {
    expect(tapeFromFileId('6301900Y')).toBe('63019');
    expect(tapeFromFileId('abc')).toBeUndefined();
  });
});
