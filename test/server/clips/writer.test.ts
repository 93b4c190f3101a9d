import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openClipWriter } from '../../../server/clips/writer.ts';
import type { ClipProblem } from '../../../server/clips/clip-writer.ts';

const base = mkdtempSync(join(tmpdir(), 'hydromon-openclips-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('openClipWriter (the monitor\'s clip sink)', () => {
  it('creates the folder, applies the age limit at open, and saves clips through onChunk/onDetection', async () => {
    const dir = join(base, 'clips');
    mkdirSync(join(dir, 'st/2020-01-01'), { recursive: true });
    const old = join(dir, 'st/2020-01-01/st_20200101T000000.000Z_orca.wav');
    writeFileSync(old, 'RIFF');
    utimesSync(old, new Date('2020-01-01'), new Date('2020-01-01'));
    const sink = openClipWriter({ dir, preRollS: 0, postRollS: 0, maxAgeDays: 30 });
    expect(existsSync(old)).toBe(false);
    const t0 = Date.now();
    sink.onChunk({ station: 'st', sampleRate: 1000, samples: new Float32Array(2000), t0, seq: 0 });
    const d = await sink.onDetection({ id: 'x', station: 'st', species: 'orca', confidence: 0.9, start: t0 + 100, end: t0 + 600, model: 'm' });
    expect(d.clip && existsSync(join(dir, d.clip))).toBe(true);
    expect(sink.stats().written).toBe(1);
    await sink.close();
  });

  it('reports an unusable folder once and still returns detections', async () => {
    const file = join(base, 'not-a-folder');
    writeFileSync(file, 'x');
    const problems: ClipProblem[] = [];
    const sink = openClipWriter({ dir: join(file, 'clips'), preRollS: 0, postRollS: 0, onProblem: (p) => problems.push(p) });
    const t0 = Date.now();
    sink.onChunk({ station: 'st', sampleRate: 1000, samples: new Float32Array(2000), t0, seq: 0 });
    const ds = await Promise.all([1, 2, 3].map((i) => sink.onDetection({ id: `x${i}`, station: 'st', species: 'orca', confidence: 0.9, start: t0 + i * 100, end: t0 + i * 100 + 50, model: 'm' })));
    expect(ds.map((d) => d.id)).toEqual(['x1', 'x2', 'x3']);
    expect(ds.every((d) => d.clip === undefined)).toBe(true);
    expect(problems.map((p) => p.type)).toEqual(['failing']);
    expect((problems[0] as { message: string }).message).toMatch(/not-a-folder.*ENOTDIR|ENOTDIR.*not-a-folder/);
    await sink.close();
  });
});
