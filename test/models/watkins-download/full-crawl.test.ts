// The whole "best of" catalogue (1,697 cuts, 32 species) from the real metadata, served locally with
// tiny WAVs: counts per species must match the metadata and the 25 two-species ids must be reported.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadWatkins } from '../../../models/watkins-download/download-watkins.ts';
import { parseCsv } from '../../../models/watkins-download/csv.ts';
import {
  hasWatkinsMetadata, loadWatkinsMetadata, startWatkinsFixture, watkinsMetadataCsv, type WatkinsFixture,
} from '../../helpers/watkins-fixture-server.ts';

if (!hasWatkinsMetadata) console.warn(`SKIP: full Watkins crawl — ${watkinsMetadataCsv} not found (set HYDROMON_DATA)`);

describe.skipIf(!hasWatkinsMetadata)('full Watkins crawl from the real metadata', () => {
  let fx: WatkinsFixture;
  let out: string;
  beforeAll(async () => {
    fx = await startWatkinsFixture(loadWatkinsMetadata());
    out = await mkdtemp(join(tmpdir(), 'watkins-full-'));
  });
  afterAll(async () => {
    await fx.close();
    await rm(out, { recursive: true, force: true });
  });

  it('downloads all 1,697 cuts of 32 species and reports the 25 ids listed under two species', async () => {
    const meta = parseCsv(await readFile(watkinsMetadataCsv, 'utf8')).slice(1).filter((r) => r.length > 1);
    const perSpecies = new Map<string, number>();
    for (const r of meta) perSpecies.set(r[1], (perSpecies.get(r[1]) ?? 0) + 1);
    const ids = new Map<string, string[]>();
    for (const r of meta) ids.set(r[0].replace(/\.wav$/, ''), [...(ids.get(r[0].replace(/\.wav$/, '')) ?? []), r[1]]);
    const twice = [...ids].filter(([, s]) => s.length > 1).map(([id, s]) => ({ fileId: id, species: [...s].sort() })).sort((a, b) => (a.fileId < b.fileId ? -1 : 1));

    const s = await downloadWatkins({ outDir: out, baseUrl: fx.baseUrl, delayMs: 0, concurrency: 8, retryBaseMs: 10 });
    expect(s.failed).toEqual([]);
    expect(s.pageErrors).toEqual([]);
    expect(s.species).toHaveLength(32);
    expect(new Map(s.species.map((x) => [x.name, x.cuts]))).toEqual(perSpecies);
    expect(s.multiSpecies).toHaveLength(25);
    expect(s.multiSpecies).toEqual(twice);
    expect(s.downloaded).toBe(ids.size);
    expect(s.downloaded + s.copied).toBe(1697);
    expect(s.manifestRows).toBe(1697);
    expect(fx.requests.filter((r) => r.server === 'audio')).toHaveLength(ids.size);

    const rows = parseCsv(await readFile(s.manifestPath, 'utf8'));
    expect(rows[0]).toEqual(['path', 'species', 'tape_id', 'sample_rate', 'duration_s', 'recorded', 'location']);
    const counted = new Map<string, number>();
    for (const r of rows.slice(1)) counted.set(r[1], (counted.get(r[1]) ?? 0) + 1);
    expect(counted).toEqual(perSpecies);
  });
});
