// `hydromon evaluate` as a user runs it, with the shipped model: the JSON fields the issue names,
// and a clip over 10 s decided by its energy events, as `classify` decides it.
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
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
if (!hasData) console.warn(`SKIP: evaluate on real clips — no data at ${dataDir} (set HYDROMON_DATA)`);

describe.skipIf(!hasData)('hydromon evaluate on real clips, short and long', () => {
  it('scores each clip once: short ones by their one view, the long one by its events; unknown species are skipped', async () => {
    const clip = readManifest(join(dataDir, 'watkins', 'manifest.csv')).find((c) => c.species === 'Ross Seal')!;
    const dir = mkdtempSync(join(tmpdir(), 'evaluate-'));
    copyFileSync(clip.path, join(dir, 'short.wav'));
    const a = await readMono(clip.path);
    const long = repeatedInNoise(a.samples, a.sampleRate, 40, [10, 20, 30]);
    writeWav(join(dir, 'long.wav'), long, a.sampleRate);
    writeFileSync(join(dir, 'manifest.csv'), 'path,species\nshort.wav,Ross Seal\nlong.wav,Ross Seal\nshort.wav,Narwhal\n');
    const r = await hydromon(['evaluate', '--manifest', join(dir, 'manifest.csv'), '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { n: number; accuracy: number; macro_f1: number; per_class: Record<string, { support: number }>; confusion: { labels: string[]; matrix: number[][] }; skipped: number; by_events: number };
    expect(j.n).toBe(2);
    expect(j.skipped).toBe(1); // Narwhal: not a species of the model
    expect(j.by_events).toBe(1);
    expect(j.accuracy).toBe(1);
    expect(j.per_class['Ross Seal'].support).toBe(2);
    expect(j.confusion.labels).toContain('Ross Seal');
  }, 300_000);
});
