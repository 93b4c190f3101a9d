import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hydromon, jsonLines } from '../../helpers/cli.ts';
import { noise, writeWav } from '../../helpers/signals.ts';
import { dataRoot } from '../../../models/paths.ts';

interface Line {
  station: string;
  kind: string;
  start: string;
  end: string;
  offset_s: number;
  duration_s: number;
  file?: string;
}

const dir = mkdtempSync(join(tmpdir(), 'hm-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hydromon replay', () => {
  it('replays a folder in time order with the times its file names carry', async () => {
    const folder = join(dir, 'folder');
    writeFileSync(join(dir, '.keep'), '');
    await import('node:fs').then((fs) => fs.mkdirSync(folder));
    // Written out of order; the second recording starts 60 s after the first (a gap).
    writeWav(join(folder, 'BUOY_20240101_000100.wav'), noise(5, 8000, 0.1, 2), 8000);
    writeWav(join(folder, 'BUOY_20240101_000000.wav'), noise(5, 8000, 0.1, 1), 8000);
    const r = await hydromon(['replay', folder, '--no-model', '--json', '--speed', 'max', '--station', 'buoy']);
    expect(r.code).toBe(0);
    const lines = jsonLines<Line>(r.stdout);
    expect(lines.map((l) => l.start)).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-01-01T00:00:01.000Z',
      '2024-01-01T00:00:02.000Z',
      '2024-01-01T00:00:03.000Z',
      '2024-01-01T00:00:04.000Z', // the 1 s tail of the first file
      '2024-01-01T00:01:00.000Z',
      '2024-01-01T00:01:01.000Z',
      '2024-01-01T00:01:02.000Z',
      '2024-01-01T00:01:03.000Z',
      '2024-01-01T00:01:04.000Z',
    ]);
    expect(lines[0].file?.endsWith('BUOY_20240101_000000.wav')).toBe(true);
    expect(lines[6].file?.endsWith('BUOY_20240101_000100.wav')).toBe(true);
    expect(lines[6].offset_s).toBe(1);
    expect(lines.every((l) => l.station === 'buoy' && l.kind === 'sliding')).toBe(true);
    expect(r.stderr).toMatch(/10\.0 s of audio .* 10 windows, 0 detections/);
  });

  it('names a bad file in a folder and plays the good ones', async () => {
    const folder = join(dir, 'mixed');
    await import('node:fs').then((fs) => fs.mkdirSync(folder));
    writeWav(join(folder, 'REC_20240101_000000.wav'), noise(3, 8000, 0.1, 1), 8000);
    writeFileSync(join(folder, 'REC_20240101_000010.wav'), Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt garbage here'));
    writeWav(join(folder, 'REC_20240101_000020.wav'), noise(3, 8000, 0.1, 2), 8000);
    const r = await hydromon(['replay', folder, '--no-model', '--json', '--speed', 'max']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('REC_20240101_000010.wav');
    const lines = jsonLines<Line>(r.stdout);
    expect(lines.filter((l) => l.file?.endsWith('000000.wav')).length).toBe(3);
    expect(lines.filter((l) => l.file?.endsWith('000020.wav')).length).toBe(3);
  });

  it('fails with a clear message for a path that does not exist', async () => {
    const r = await hydromon(['replay', join(dir, 'nope.wav'), '--no-model']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/nope\.wav/);
  });

  it('rejects a bad speed', async () => {
    const r = await hydromon(['replay', join(dir, 'x.wav'), '--no-model', '--speed', 'fast']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--speed/);
  });

  const data = dataRoot();
  const narw = join(data, 'narw-dclde', 'narw');
  const has = existsSync(narw);
  if (!has) console.warn(`skipping the right-whale folder replay: ${narw} not found (set HYDROMON_DATA)`);
  const orca = join(data, 'killer-whale-srkw', 'S_1.wav');
  it.skipIf(!existsSync(orca))('names a known killer-whale call with the shipped model and stores the detections', async () => {
    const store = join(dir, 'store');
    const r = await hydromon(['replay', orca, '--json', '--speed', 'max', '--store', '--data', store, '--station', 'orca']);
    expect(r.code).toBe(0);
    const dets = jsonLines<Line & { species: string; confidence: number; id: string }>(r.stdout);
    expect(dets.length).toBeGreaterThan(0);
    // The call's windows name it, most confidently and most often; windows over the clip's fainter
    // second call and its tail get other species at low confidence (a known confusion, in the card).
    const said = dets.map((d) => `${d.species} ${d.confidence}`).join(', ');
    const best = dets.reduce((a, b) => (b.confidence > a.confidence ? b : a));
    expect(best.species, said).toBe('Killer Whale');
    const count = (s: string): number => dets.filter((d) => d.species === s).length;
    for (const other of new Set(dets.map((d) => d.species))) if (other !== 'Killer Whale') expect(count('Killer Whale'), said).toBeGreaterThan(count(other));
    const { readdirSync, readFileSync } = await import('node:fs');
    const day = readdirSync(join(store, 'detections'));
    const stored = day.flatMap((f) => readFileSync(join(store, 'detections', f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l) as { id: string });
    expect(new Set(stored.map((d) => d.id))).toEqual(new Set(dets.map((d) => d.id)));
  }, 60_000);

  it.skipIf(!has)('replays the right-whale recordings with their file-name timestamps', async () => {
    const r = await hydromon(['replay', narw, '--no-model', '--json', '--speed', 'max'], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    const lines = jsonLines<Line>(r.stdout);
    expect(lines).toHaveLength(2700); // 3 × 15 min, contiguous: one run, one window a second
    expect(lines[0].start).toBe('2009-03-28T00:00:00.000Z');
    expect(lines[2699].start).toBe('2009-03-28T00:44:59.000Z');
    const at15 = lines.find((l) => l.start === '2009-03-28T00:15:00.000Z');
    expect(at15?.file?.endsWith('NOPP6_EST_20090328_001500.wav')).toBe(true);
    expect(at15?.offset_s).toBe(0);
  }, 130_000);
});
