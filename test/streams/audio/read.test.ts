import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readAudioFile, openAudioStream } from '../../../streams/audio/read.ts';
import { AudioFormatError } from '../../../streams/audio/errors.ts';
import { tone, writeWav, quantise16 } from '../../helpers/signals.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'read-test-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('readAudioFile / openAudioStream pick the reader by content', () => {
  const x = tone(700, 0.25, 4000, 0.5);

  it('a FLAC named .wav and a WAV named .flac both decode', async () => {
    const wav = writeWav(join(dir, 'a.wav'), x, 4000);
    const flacAsWav = join(dir, 'really-flac.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-f', 'flac', flacAsWav]);
    const wavAsFlac = join(dir, 'really-wav.flac');
    copyFileSync(wav, wavAsFlac);
    const f = await readAudioFile(flacAsWav);
    const w = await readAudioFile(wavAsFlac);
    expect(f.format).toBe('flac/16');
    expect(w.format).toBe('wav/pcm16');
    expect(Array.from(f.channels[0])).toEqual(Array.from(quantise16(x)));
    expect(Array.from(w.channels[0])).toEqual(Array.from(quantise16(x)));
    expect(f.durationS).toBeCloseTo(0.25, 9);
    const s = await openAudioStream(flacAsWav);
    expect(s.format).toBe('flac/16');
    expect((await s.read(10000))![0].length).toBe(1000);
    await s.close();
  });

  const bad: [string, Uint8Array, RegExp][] = [
    ['empty.wav', new Uint8Array(0), /empty file/],
    ['ogg.wav', new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0, 2, 0, 0, 0, 0, 0, 0]), /Ogg files are not supported/],
    ['mp3.wav', new Uint8Array([0xff, 0xfb, 0x90, 0x44, 0, 0, 0, 0]), /MPEG audio/],
    ['text.wav', new TextEncoder().encode('hello, this is not audio'), /not a WAV or FLAC file \(starts with 68 65 6c 6c\)/],
  ];
  for (const [name, bytes, pattern] of bad) {
    it(`${name}: AudioFormatError with the path`, async () => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      await expect(readAudioFile(p)).rejects.toThrow(pattern);
      await expect(readAudioFile(p)).rejects.toBeInstanceOf(AudioFormatError);
      await expect(openAudioStream(p)).rejects.toThrow(p);
    });
  }

  it('a missing file and a directory are AudioFormatErrors too', async () => {
    await expect(readAudioFile(join(dir, 'nope.wav'))).rejects.toBeInstanceOf(AudioFormatError);
    await expect(openAudioStream(dir)).rejects.toBeInstanceOf(AudioFormatError);
  });
});

const dataRoot = resolve(process.env.HYDROMON_DATA ?? join(process.cwd(), '../shared/data'));
const manifests = ['watkins/manifest.csv', 'killer-whale-srkw/manifest.csv'].map((m) => join(dataRoot, m));
const hasData = manifests.every((m) => existsSync(m));
if (!hasData) console.warn(`[skip] real-recording decode test: manifests under ${dataRoot} not found (set HYDROMON_DATA)`);

describe.skipIf(!hasData)('every real recording in the manifests decodes as the manifest says (HYDROMON_DATA)', () => {
  it('sample rate, channel count and duration agree for all clips', async () => {
    let n = 0;
    for (const m of manifests) {
      const [head, ...rows] = readFileSync(m, 'utf8').trim().split(/\r?\n/);
      const cols = head.split(',');
      const ip = cols.indexOf('path'), ir = cols.indexOf('sample_rate'), id = cols.indexOf('duration_s'), ic = cols.indexOf('channels');
      for (const row of rows) {
        const f = row.split(',');
        const a = await readAudioFile(join(dataRoot, f[ip]));
        expect(a.sampleRate, f[ip]).toBe(Number(f[ir]));
        expect(Math.abs(a.durationS - Number(f[id])), f[ip]).toBeLessThan(0.01);
        if (ic >= 0) expect(a.channels.length, f[ip]).toBe(Number(f[ic]));
        expect(a.channels.every((ch) => ch.every(Number.isFinite))).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(400);
  });
});
