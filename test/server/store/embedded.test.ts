import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddedStore } from '../../../server/store/embedded.ts';
import { T0, det, status } from './fixtures.ts';

const tmp: string[] = [];
afterAll(() => { for (const d of tmp) rmSync(d, { recursive: true, force: true }); });
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hydromon-embedded-'));
  tmp.push(d);
  return d;
}

describe('embedded JSON-lines store', () => {
  it('writes, reads newest first, filters and pages', async () => {
    const s = createEmbeddedStore({ dir: dataDir() });
    const ds = Array.from({ length: 30 }, (_, i) => det(i, i === 3 ? { origin: { file: '/rec/a.wav', offsetS: 1.5 }, freqLowHz: 10, freqHighHz: 20, clip: 'c.wav' } : {}));
    await s.writeDetections(ds);
    const all = await s.queryDetections({ from: T0, to: T0 + 3_600_000 });
    expect(all.map((d) => d.id)).toEqual(ds.map((d) => d.id).reverse());
    expect(all.find((d) => d.id === 'det-3')).toEqual(ds[3]);
    expect((await s.queryDetections({ from: T0, to: T0 + 3_600_000, limit: 5, offset: 10 })).map((d) => d.id))
      .toEqual(['det-19', 'det-18', 'det-17', 'det-16', 'det-15']);
    expect((await s.queryDetections({ from: T0 + 5000, to: T0 + 8000 })).map((d) => d.id)).toEqual(['det-7', 'det-6', 'det-5']);
    const orca = await s.queryDetections({ from: T0, to: T0 + 3_600_000, species: 'orca', station: 'orcasound_lab', minConfidence: 0.6 });
    expect(orca.map((d) => d.id).sort()).toEqual(ds.filter((d) => d.species === 'orca' && d.station === 'orcasound_lab' && d.confidence >= 0.6).map((d) => d.id).sort());
    await s.close();
  });

  it('spans days and counts per hour', async () => {
    const s = createEmbeddedStore({ dir: dataDir() });
    const ds = Array.from({ length: 48 }, (_, i) => det(i, { start: T0 + i * 1_800_000, end: T0 + i * 1_800_000 + 500, station: 's1', species: 'orca' }));
    await s.writeDetections(ds);
    const counts = await s.countsPerHour({ from: T0, to: T0 + 24 * 3_600_000 });
    expect(counts.length).toBe(24);
    expect(counts.every((c) => c.count === 2 && c.station === 's1' && c.species === 'orca')).toBe(true);
    expect(counts[0].hour).toBe(T0);
    expect((await s.queryDetections({ from: T0, to: T0 + 86_400_000 })).length).toBe(48);
    expect((await s.queryDetections({ from: T0, to: T0 + 86_400_000, limit: 3 })).map((d) => d.id)).toEqual(['det-47', 'det-46', 'det-45']);
    await s.close();
  });

  it('does not duplicate a re-sent detection; the last version wins', async () => {
    const s = createEmbeddedStore({ dir: dataDir() });
    await s.writeDetections([det(1), det(1), det(2)]);
    await s.writeDetections([{ ...det(1), clip: 'later.wav' }]);
    const got = await s.queryDetections({ from: T0, to: T0 + 10_000 });
    expect(got.map((d) => d.id)).toEqual(['det-2', 'det-1']);
    expect(got[1].clip).toBe('later.wav');
    await s.close();
  });

  it('survives a torn last line from a crash and keeps appending after it', async () => {
    const dir = dataDir();
    const a = createEmbeddedStore({ dir });
    await a.writeDetections([det(1), det(2)]);
    await a.close();
    const file = join(dir, 'detections', readdirSync(join(dir, 'detections'))[0]);
    appendFileSync(file, JSON.stringify(det(3)).slice(0, 25)); // crash mid-write
    const b = createEmbeddedStore({ dir });
    expect((await b.queryDetections({ from: T0, to: T0 + 10_000 })).map((d) => d.id)).toEqual(['det-2', 'det-1']);
    await b.writeDetections([det(4)]);
    expect((await b.queryDetections({ from: T0, to: T0 + 10_000 })).map((d) => d.id)).toEqual(['det-4', 'det-2', 'det-1']);
    expect(b.skippedLines).toBe(1);
    expect(readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).length).toBe(4);
    await b.close();
  });

  it('skips garbage lines and records of the wrong shape', async () => {
    const dir = dataDir();
    const a = createEmbeddedStore({ dir });
    await a.writeDetections([det(1)]);
    await a.close();
    const file = join(dir, 'detections', readdirSync(join(dir, 'detections'))[0]);
    appendFileSync(file, 'not json\n{"id":"x"}\n');
    writeFileSync(join(dir, 'detections', 'README.txt'), 'ignored');
    const b = createEmbeddedStore({ dir });
    expect((await b.queryDetections({ from: T0, to: T0 + 10_000 })).map((d) => d.id)).toEqual(['det-1']);
    expect(b.skippedLines).toBe(2);
  });

  it('lets a second reader (the exporter) see what the writer adds while it runs', async () => {
    const dir = dataDir();
    const writer = createEmbeddedStore({ dir });
    const reader = createEmbeddedStore({ dir });
    await writer.writeDetections([det(1)]);
    expect((await reader.queryDetections({ from: T0, to: T0 + 10_000 })).length).toBe(1);
    await writer.writeDetections([det(2), det(3)]);
    expect((await reader.queryDetections({ from: T0, to: T0 + 10_000 })).length).toBe(3);
    await writer.close();
  });

  it('thins health rows and stores encounters by id', async () => {
    const s = createEmbeddedStore({ dir: dataDir(), healthEveryS: 60 });
    for (let i = 0; i < 120; i++) await s.writeHealth([status('s1', T0 + i * 1000)]);
    await s.writeHealth([status('s1', T0 + 120_500, { state: 'stalled', rmsDb: null })]);
    const h = await s.queryHealth({ from: T0, to: T0 + 200_000 });
    expect(h.map((x) => [x.at - T0, x.state])).toEqual([[0, 'live'], [60_000, 'live'], [120_500, 'stalled']]);
    await s.writeEncounters([{ id: 'e1', station: 's1', species: 'orca', start: T0, end: T0 + 1000, count: 1, peakConfidence: 0.6 }]);
    await s.writeEncounters([{ id: 'e1', station: 's1', species: 'orca', start: T0, end: T0 + 9000, count: 5, peakConfidence: 0.9 }]);
    expect(await s.queryEncounters({ from: T0 + 5000, to: T0 + 6000 })).toEqual([
      { id: 'e1', station: 's1', species: 'orca', start: T0, end: T0 + 9000, count: 5, peakConfidence: 0.9 },
    ]);
    await s.close();
  });

  it("reads back a 'waiting' health row from disk (a new store on the same folder), next to the other states", async () => {
    const dir = dataDir();
    const a = createEmbeddedStore({ dir });
    const rows = [
      status('arch', T0, { state: 'connecting', rmsDb: null }),
      status('arch', T0 + 1000, { state: 'waiting', rmsDb: null, samples: 0, message: 'no audio files in /rec yet' }),
      status('arch', T0 + 2000, { state: 'live' }),
      status('arch', T0 + 3000, { state: 'faulted', message: 'bad file' }),
    ];
    await a.writeHealth(rows);
    await a.close();
    // A state nobody knows is still dropped, not trusted.
    const day = readdirSync(join(dir, 'health'))[0];
    appendFileSync(join(dir, 'health', day), JSON.stringify({ ...status('arch', T0 + 4000), state: 'sleeping' }) + '\n');
    const b = createEmbeddedStore({ dir });
    expect(await b.queryHealth({ from: T0, to: T0 + 10_000 })).toEqual(rows);
    await b.close();
  });

  it('keeps behindS through a new store on the same folder, and leaves it absent where it was absent', async () => {
    const dir = dataDir();
    const a = createEmbeddedStore({ dir, healthEveryS: 0 });
    const rows = [
      status('paced', T0, { behindS: 0 }),
      status('paced', T0 + 1000, { behindS: 12.75 }),
      status('fast', T0 + 1500),
      status('paced', T0 + 2000, { state: 'stalled', rmsDb: null, behindS: 30, message: 'cannot keep up' }),
    ];
    await a.writeHealth(rows);
    await a.close();
    // A hand-edited row with a non-number behindS keeps the row and drops only the field.
    const day = readdirSync(join(dir, 'health'))[0];
    appendFileSync(join(dir, 'health', day), JSON.stringify({ ...status('fast', T0 + 3000), behindS: 'lots' }) + '\n');
    const b = createEmbeddedStore({ dir });
    const back = await b.queryHealth({ from: T0, to: T0 + 10_000 });
    // toStrictEqual: an undefined behindS key would not equal an absent one.
    expect(back).toStrictEqual([...rows, status('fast', T0 + 3000)]);
    expect(back.map((r) => 'behindS' in r)).toEqual([true, true, false, true, false]);
    await b.close();
  });

  it('drops day files older than the retention', async () => {
    const dir = dataDir();
    const a = createEmbeddedStore({ dir });
    const old = Date.now() - 40 * 86_400_000;
    await a.writeDetections([det(1, { start: old, end: old + 1 }), det(2, { start: Date.now(), end: Date.now() + 1 })]);
    await a.close();
    expect(readdirSync(join(dir, 'detections')).length).toBe(2);
    const b = createEmbeddedStore({ dir, retentionDays: 30 });
    expect(readdirSync(join(dir, 'detections')).length).toBe(1);
    await b.close();
  });
});
