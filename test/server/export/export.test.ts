import { Command } from 'commander';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, runExport } from '../../../server/cli/commands/export.ts';
import { createEmbeddedStore } from '../../../server/store/embedded.ts';
import { createInfluxStore } from '../../../server/store/influx.ts';
import { RAVEN_HEADER } from '../../../server/export/raven.ts';
import { CSV_HEADER } from '../../../server/export/csv.ts';
import type { Detection } from '../../../streams/types.ts';
import { startTestInfluxd, type TestInfluxd } from '../../helpers/influxd.ts';

const T0 = Date.UTC(2026, 10, 24, 0, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'hydromon-export-'));
let db: TestInfluxd;

const ds: Detection[] = [
  { id: 'a', station: 'lab', species: 'orca', confidence: 0.91, start: T0 + 10_000, end: T0 + 12_500, model: 'm', freqLowHz: 500, freqHighHz: 12000, origin: { file: '/rec/2026-11-24 lab.wav', offsetS: 10 }, clip: 'lab/2026-11-24/x.wav' },
  { id: 'b', station: 'lab', species: 'humpback', confidence: 0.7, start: T0 + 3_600_000, end: T0 + 3_603_000, model: 'm' },
  { id: 'c', station: 'bush, "point"', species: 'orca', confidence: 0.55, start: T0 + 5_000, end: T0 + 6_000, model: 'm' },
  { id: 'd', station: 'lab', species: 'orca', confidence: 0.8, start: T0 + 86_400_000 + 1000, end: T0 + 86_400_000 + 2000, model: 'm' },
];

beforeAll(async () => {
  const s = createEmbeddedStore({ dir: join(dir, 'data') });
  await s.writeDetections(ds);
  await s.close();
  db = await startTestInfluxd();
  const i = createInfluxStore(`${db.url}/exp`);
  await i.writeDetections(ds);
  await i.close();
});
afterAll(async () => {
  await db?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<string> {
  const program = new Command('hydromon').exitOverride();
  register(program);
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  await program.parseAsync(['node', 'hydromon', 'export', ...args, '--out', out]);
  return readFileSync(out, 'utf8');
}

describe('hydromon export', () => {
  it('writes a Raven selection table, oldest first, times from --from, file offsets when known', async () => {
    const text = await cli(['--from', '2026-11-24', '--to', '2026-11-25', '--format', 'raven', '--data', join(dir, 'data')]);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n'); // rows may end in empty (tab-separated) cells
    expect(lines[0]).toBe('Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tSpecies\tConfidence\tBegin Path\tFile Offset (s)');
    expect(lines[0]).toBe(RAVEN_HEADER);
    expect(lines.slice(1)).toEqual([
      '1\tSpectrogram 1\t1\t5\t6\t0\t0\torca\t0.55\t\t',
      '2\tSpectrogram 1\t1\t10\t12.5\t500\t12000\torca\t0.91\t/rec/2026-11-24 lab.wav\t10',
      '3\tSpectrogram 1\t1\t3600\t3603\t0\t0\thumpback\t0.7\t\t',
    ]);
  });

  it('writes CSV with a header and quoting', async () => {
    const text = await cli(['--from', '2026-11-24T00:00:00Z', '--to', '2026-11-26', '--data', join(dir, 'data')]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines.length).toBe(5);
    expect(lines[1]).toBe('c,"bush, ""point""",orca,0.55,2026-11-24T00:00:05.000Z,2026-11-24T00:00:06.000Z,1,m,,,,,');
    expect(lines[2]).toBe('a,lab,orca,0.91,2026-11-24T00:00:10.000Z,2026-11-24T00:00:12.500Z,2.5,m,500,12000,/rec/2026-11-24 lab.wav,10,lab/2026-11-24/x.wav');
    expect(lines[4].startsWith('d,lab,orca,0.8,2026-11-25T00:00:01.000Z')).toBe(true);
  });

  it('writes JSON lines and filters by station, species and confidence', async () => {
    const text = await cli(['--from', '2026-11-24', '--to', '2026-11-26', '--format', 'json', '--station', 'lab', '--species', 'orca', '--min-confidence', '0.85', '--data', join(dir, 'data')]);
    expect(text.trimEnd().split('\n').map((l) => JSON.parse(l) as Detection)).toEqual([ds[0]]);
  });

  it('reads InfluxDB the same way with --influx', async () => {
    const text = await cli(['--from', '2026-11-24', '--to', '2026-11-26', '--format', 'json', '--influx', `${db.url}/exp`]);
    expect(text.trimEnd().split('\n').map((l) => (JSON.parse(l) as Detection).id)).toEqual(['c', 'a', 'b', 'd']);
  });

  it('pages through more rows than one query returns', async () => {
    const big = createEmbeddedStore({ dir: join(dir, 'big') });
    await big.writeDetections(Array.from({ length: 2500 }, (_, i) => ({ ...ds[1], id: `p${i}`, start: T0 + i * 10, end: T0 + i * 10 + 5 })));
    await big.close();
    const out = join(dir, 'big.csv');
    expect(await runExport({ from: '2026-11-24', to: '2026-11-25', format: 'csv', data: join(dir, 'big'), out })).toBe(2501);
    const ids = readFileSync(out, 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(new Set(ids).size).toBe(2500);
    expect(ids[0]).toBe('p0');
    expect(ids.at(-1)).toBe('p2499');
  });

  it('names what is wrong with bad arguments', async () => {
    const base = { from: '2026-11-24', to: '2026-11-25', format: 'csv', data: join(dir, 'data') };
    await expect(runExport({ ...base, format: 'xml' })).rejects.toThrow(/--format must be one of csv, raven, json/);
    await expect(runExport({ ...base, from: 'monday' })).rejects.toThrow(/--from "monday"/);
    await expect(runExport({ ...base, to: '2026-11-23' })).rejects.toThrow(/must be after/);
    await expect(runExport({ ...base, minConfidence: '2' })).rejects.toThrow(/--min-confidence/);
    await expect(runExport({ ...base, data: join(dir, 'nothing-here') })).rejects.toThrow(/no embedded store/);
  });
});
