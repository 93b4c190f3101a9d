import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readAudioFile, openAudioStream, decodeAudio, sniffContainer } from '../../../streams/audio/read.ts';
import { AudioFormatError } from '../../../streams/audio/errors.ts';
import { tone, writeWav, quantise16 } from '../../helpers/signals.ts';
import { dataRoot as sharedData } from '../../../models/paths.ts';

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

  // Not WAV/FLAC: ffmpeg is asked, and its complaint follows what the first bytes looked like.
  const bad: [string, Uint8Array, RegExp][] = [
    ['empty.wav', new Uint8Array(0), /empty file \(0 bytes\)$/],
    ['ogg.wav', new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0, 2, 0, 0, 0, 0, 0, 0]), /Ogg audio; ffmpeg cannot read it \(ffprobe exit 1\): ./],
    ['mp3.wav', new Uint8Array([0xff, 0xfb, 0x90, 0x44, 0, 0, 0, 0]), /MP3 audio; ffmpeg cannot read it/],
    ['text.wav', new TextEncoder().encode('hello, this is not audio'), /not a WAV or FLAC file \(starts with 68 65 6c 6c\); ffmpeg cannot read it/],
    ['png.wav', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
      /not a WAV or FLAC file \(starts with 89 50 4e 47\); (ffmpeg cannot read it|no audio stream)/],
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

  it('an ID3 tag is skipped by its size: fLaC behind it is FLAC (in-process), anything else MP3 (ffmpeg)', async () => {
    const wav = writeWav(join(dir, 'id3src.wav'), x, 4000);
    const flac = join(dir, 'plain.flac');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, flac]);
    // A 20-byte tag body (syncsafe size 0 0 0 20) whose bytes are not fLaC.
    const tag = new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 20, ...new Array<number>(20).fill(0x41)]);
    const tagged = join(dir, 'tagged-flac.mp3');
    writeFileSync(tagged, Buffer.concat([tag, readFileSync(flac)]));
    const f = await readAudioFile(tagged);
    expect(f.format).toBe('flac/16');
    expect(Array.from(f.channels[0])).toEqual(Array.from(quantise16(x)));
    const mp3 = join(dir, 'tagged.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-c:a', 'libmp3lame', '-ar', '8000', '-id3v2_version', '3', mp3]); // MP3 has no 4 kHz
    const m = await readAudioFile(mp3);
    expect([m.format, m.sampleRate, m.channels.length]).toEqual(['ffmpeg/mp3', 8000, 1]);
    expect(sniffContainer(readFileSync(mp3).subarray(0, 12), mp3)).toEqual({ container: 'ffmpeg', what: 'MP3 audio (ID3 tag)', known: true });
  });

  it('decodeAudio (in memory, synchronous) decodes WAV/FLAC only and names any other container', () => {
    const mp3 = readFileSync(join(dir, 'tagged.mp3'));
    expect(() => decodeAudio(mp3, 'm.mp3')).toThrow('m.mp3: MP3 audio (ID3 tag): only WAV and FLAC are decoded in memory');
    expect(() => decodeAudio(mp3.subarray(mp3.indexOf(0xff)), 'b.mp3')).toThrow('b.mp3: MP3 audio: only WAV and FLAC are decoded in memory');
    expect(() => decodeAudio(new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0, 2]), 'o.ogg')).toThrow('Ogg audio: only WAV and FLAC');
    const m4a = new Uint8Array([0, 0, 0, 0x1c, 0x66, 0x74, 0x79, 0x70, 0x4d, 0x34, 0x41, 0x20]);
    expect(() => decodeAudio(m4a, 'a.m4a')).toThrow('MP4/M4A audio: only WAV and FLAC');
    expect(() => decodeAudio(new TextEncoder().encode('<html>'), 'x.wav')).toThrow('x.wav: not a WAV or FLAC file (starts with 3c 68 74 6d)');
    expect(() => decodeAudio(new Uint8Array(0), 'e.wav')).toThrow('e.wav: empty file (0 bytes)');
    expect(decodeAudio(readFileSync(join(dir, 'tagged-flac.mp3')), 't').format).toBe('flac/16');
  });

  it('a missing file and a directory are AudioFormatErrors too', async () => {
    await expect(readAudioFile(join(dir, 'nope.wav'))).rejects.toBeInstanceOf(AudioFormatError);
    await expect(openAudioStream(dir)).rejects.toBeInstanceOf(AudioFormatError);
  });
});

const dataRoot = sharedData();
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
