// `hydromon classify` as a user runs it, with the shipped model: a clip as short as the training
// clips is one view; the same calls in a 40 s recording are heard event by event and voted.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMono } from '../../models/audio.ts';
import { readManifest } from '../../models/manifest.ts';
import { dataRoot } from '../../models/paths.ts';
import { hydromon } from '../helpers/cli.ts';
import { repeatedInNoise, writeWav } from '../helpers/signals.ts';

const dataDir = dataRoot();
const hasData = existsSync(join(dataDir, 'watkins', 'manifest.csv'));
if (!hasData) console.warn(`SKIP: classify on real clips — no data at ${dataDir} (set HYDROMON_DATA)`);

interface Out { species: string; method: string; seconds: number; events?: { events: number; detections: number; votes: { species: string; detections: number }[] } }

describe.skipIf(!hasData)('hydromon classify on a real call, short and long', () => {
  it('a short clip is one view; the same calls in 40 s of noise are voted by their events', async () => {
    const clip = readManifest(join(dataDir, 'watkins', 'manifest.csv')).find((c) => c.species === 'Ross Seal')!;
    const short = await hydromon(['classify', clip.path, '--json'], { timeoutMs: 120_000 });
    expect(short.code, short.stderr).toBe(0);
    const s = JSON.parse(short.stdout) as Out;
    expect(s.method).toBe('whole');
    expect(s.species).toBe('Ross Seal');

    // the clip three times in 40 s of quiet noise, as a long cut or a user's file would hold it
    const a = await readMono(clip.path);
    const dur = 40;
    const long = repeatedInNoise(a.samples, a.sampleRate, dur, [10, 20, 30]);
    const file = join(mkdtempSync(join(tmpdir(), 'classify-long-')), 'long.wav');
    writeWav(file, long, a.sampleRate);
    const r = await hydromon(['classify', file, '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const l = JSON.parse(r.stdout) as Out;
    expect(l.seconds).toBeCloseTo(dur, 1);
    expect(l.method).toBe('events');
    expect(l.species, JSON.stringify(l.events?.votes)).toBe('Ross Seal');
    expect(l.events!.detections).toBeGreaterThanOrEqual(2);
    expect(l.events!.votes[0]).toMatchObject({ species: 'Ross Seal' });
    const text = await hydromon(['classify', file], { timeoutMs: 120_000 });
    expect(text.stdout).toMatch(/detections in \d+ events/);
  }, 300_000);
});
