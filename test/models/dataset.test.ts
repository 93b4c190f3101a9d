// Real ocean noise for training views: drawn at the analysis rate, and through a slower recorder's
// rate when the view is band-limited below the recording's own. The feature cache: whole entries
// or none, so two trainings can share it.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipTrainExamples, defaultDatasetOptions, noiseSourceFrom } from '../../models/dataset.ts';
import { featureConfigAt } from '../../models/feature-config.ts';
import { seededRandom } from '../../models/random.ts';
import { initDsp } from '../../streams/dsp/fft.ts';
import { bandPower, mix, noise, tone, writeWav } from '../helpers/signals.ts';

const sr = 32000;
describe('noiseSourceFrom', () => {
  beforeAll(async () => { await initDsp(); });
  // white noise recorded at 32 kHz: energy up to 16 kHz
  const rec = { sampleRate: sr, samples: Float32Array.from({ length: sr * 4 }, () => 0) };
  const r0 = seededRandom(9);
  for (let i = 0; i < rec.samples.length; i++) rec.samples[i] = r0() - 0.5;

  it('draws the recording as it is, or through a slower recorder when asked', () => {
    const noise = noiseSourceFrom([rec], sr);
    const full = noise(sr, seededRandom(1))!, limited = noise(sr, seededRandom(1), 8000)!;
    expect(full).toHaveLength(sr);
    expect(limited).toHaveLength(sr);
    expect(bandPower(full, sr, 4500, 16000) / bandPower(full, sr, 20, 4000)).toBeGreaterThan(0.5);
    expect(bandPower(limited, sr, 4500, 16000) / bandPower(limited, sr, 20, 4000)).toBeLessThan(1e-3);
  });

  it('leaves a recording alone when the recorder rate is not below its own', () => {
    const slow = { sampleRate: 2000, samples: Float32Array.from({ length: 2000 * 30 }, (_, i) => Math.sin(i)) };
    const noise = noiseSourceFrom([slow], sr);
    expect(Array.from(noise(4000, seededRandom(3), 8000)!)).toEqual(Array.from(noise(4000, seededRandom(3))!));
  });
});

describe('feature cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'clip.wav');
  writeWav(path, mix(tone(1500, 1.5, 16000, 0.3), noise(1.5, 16000, 0.01, 4)), 16000);
  const clip = { path, species: 'tone', group: 'g', manifest: join(dir, 'm.csv'), key: 'clip.wav' };
  const cacheDir = join(dir, 'cache');
  const o = { ...defaultDatasetOptions(featureConfigAt(16000), 3), variantsPerClip: 1, cacheDir };
  const none = () => null;
  const xs = (es: { x: Float32Array }[]) => es.map((e) => Array.from(e.x));

  it('a half-written or foreign entry is a miss that is built again, never an error', async () => {
    await initDsp();
    const first = await clipTrainExamples(clip, o, none);
    const files = readdirSync(cacheDir);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(xs(await clipTrainExamples(clip, o, none))).toEqual(xs(first)); // a hit
    const meta = join(cacheDir, files.find((f) => f.endsWith('.json'))!), bin = meta.replace(/\.json$/, '.bin');
    // what a reader saw while another training was writing the entry: an empty meta file (the
    // CI failure "Unexpected end of JSON input"), a short data file, labels that do not match
    for (const [file, bytes] of [[meta, ''], [bin, Buffer.alloc(12)], [meta, JSON.stringify({ labels: Array(first.length + 1).fill('tone'), n: first.length, dim: first[0].x.length })]] as const) {
      writeFileSync(file, bytes);
      const again = await clipTrainExamples(clip, o, none);
      expect(xs(again)).toEqual(xs(first));
      expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }
  });
});
