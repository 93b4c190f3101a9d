// Files in containers other than WAV/FLAC decode through the real ffmpeg: each is made here from a
// known two-channel tone (440 Hz left, 2 kHz right) so rate, channel order, length and pitch are checked.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { readAudioFile, openAudioStream } from '../../../streams/audio/read.ts';
import { ffprobeBinary, type FfmpegAudioStream } from '../../../streams/audio/ffmpeg-file.ts';
import { AudioFormatError } from '../../../streams/audio/errors.ts';
import { tone, noise, rng, rms, writeWav } from '../../helpers/signals.ts';

const hasFfmpeg = ['ffmpeg', 'ffprobe'].every((b) => spawnSync(b, ['-version']).status === 0);
const skipNote = hasFfmpeg ? '' : ' [skipped: ffmpeg/ffprobe not on PATH — install ffmpeg]';
if (!hasFfmpeg) console.warn(`[skip] ffmpeg-file tests:${skipNote}`);

const SR = 44100;
let dir: string;
let wav: string;
const conv = (name: string, ...args: string[]): string => {
  const out = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, ...args, out]);
  return out;
};

/** Frequency from the zero-crossing rate, away from the ends (codec priming and fades). */
function zcrHz(x: Float32Array, sr: number): number {
  const a = Math.round(0.1 * sr), b = x.length - Math.round(0.1 * sr);
  let n = 0;
  for (let i = a + 1; i < b; i++) if ((x[i - 1] < 0) !== (x[i] < 0)) n++;
  return n / 2 / ((b - a - 1) / sr);
}

beforeAll(() => {
  if (!hasFfmpeg) return;
  dir = mkdtempSync(join(tmpdir(), 'ffmpeg-file-'));
  wav = writeWav(join(dir, 'tone.wav'), [tone(440, 1, SR, 0.5), tone(2000, 1, SR, 0.5)], SR);
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe.skipIf(!hasFfmpeg)(`readAudioFile through ffmpeg: rate, channels, length, pitch${skipNote}`, () => {
  // [file, ffmpeg options, codec, decoded rate]. Opus always decodes at 48 kHz (its only internal rate).
  const cases: [string, string[], string, number][] = [
    ['id3.mp3', ['-c:a', 'libmp3lame', '-id3v2_version', '3'], 'mp3', SR],
    ['bare.mp3', ['-c:a', 'libmp3lame', '-id3v2_version', '0'], 'mp3', SR], // (this muxer has no -write_id3v2)
    ['vorbis.ogg', ['-c:a', 'libvorbis'], 'vorbis', SR],
    ['tone.opus', ['-c:a', 'libopus'], 'opus', 48000],
    ['aac.m4a', ['-c:a', 'aac'], 'aac', SR],
    ['tone.aiff', [], 'pcm_s16be', SR],
  ];
  for (const [name, args, codec, rate] of cases) {
    it(`${name}: ${codec} at ${rate} Hz, 2 channels, 440 Hz left and 2 kHz right`, async () => {
      const a = await readAudioFile(conv(name, ...args));
      expect(a.format).toBe(`ffmpeg/${codec}`);
      expect(a.sampleRate).toBe(rate);
      expect(a.channels.length).toBe(2);
      expect(a.bitsPerSample).toBe(32);
      expect(a.nonFinite).toBe(0);
      expect(a.frames).toBe(a.channels[0].length);
      expect(Math.abs(a.durationS - 1)).toBeLessThan(0.06); // encoder priming/padding (AAC ≈ 22 ms)
      expect(zcrHz(a.channels[0], rate)).toBeGreaterThan(440 * 0.98);
      expect(zcrHz(a.channels[0], rate)).toBeLessThan(440 * 1.02);
      expect(zcrHz(a.channels[1], rate)).toBeGreaterThan(2000 * 0.98);
      expect(zcrHz(a.channels[1], rate)).toBeLessThan(2000 * 1.02);
      for (const ch of a.channels) expect(rms(ch.subarray(rate / 10, rate * 0.9))).toBeCloseTo(0.5 / Math.SQRT2, 1);
    });
  }

  it('the two MP3s really differ in how they start (ID3 tag vs frame sync)', () => {
    expect(readFileSync(join(dir, 'id3.mp3')).subarray(0, 3).toString('latin1')).toBe('ID3');
    expect(readFileSync(join(dir, 'bare.mp3'))[0]).toBe(0xff);
  });

  it('AIFF is lossless: exactly the samples of the WAV it was made from', async () => {
    const w = await readAudioFile(wav);
    const a = await readAudioFile(join(dir, 'tone.aiff'));
    expect(a.frames).toBe(w.frames);
    for (let c = 0; c < 2; c++) expect(Array.from(a.channels[c])).toEqual(Array.from(w.channels[c]));
  });

  it('a cut MP3 decodes what it holds', async () => {
    const p = join(dir, 'cut.mp3');
    writeFileSync(p, readFileSync(join(dir, 'id3.mp3')).subarray(0, 3000));
    const a = await readAudioFile(p);
    expect(a.durationS).toBeGreaterThan(0.05);
    expect(a.durationS).toBeLessThan(0.5);
  });
});

describe.skipIf(!hasFfmpeg)(`openAudioStream through ffmpeg: blocks, backpressure, close${skipNote}`, () => {
  it('AIFF blocks (odd sizes, with and without `into`) concatenate to exactly readAudioFile', async () => {
    const p = conv('blocks.aiff');
    const whole = await readAudioFile(p);
    const s = await openAudioStream(p);
    expect([s.format, s.sampleRate, s.channelCount, s.frames]).toEqual(['ffmpeg/pcm_s16be', SR, 2, null]);
    const got = [new Float32Array(whole.frames), new Float32Array(whole.frames)];
    const into = [new Float32Array(5000), new Float32Array(5000)];
    let at = 0;
    for (let k = 0; ; k++) {
      const b = k % 2 ? await s.read(4999, into) : await s.read(1237);
      if (!b) break;
      if (k % 2) expect(b[0].buffer).toBe(into[0].buffer);
      for (let c = 0; c < 2; c++) got[c].set(b[c], at);
      at += b[0].length;
    }
    expect(at).toBe(whole.frames);
    expect(await s.read(100)).toBeNull();
    await s.close();
    for (let c = 0; c < 2; c++) expect(Array.from(got[c])).toEqual(Array.from(whole.channels[c]));
  });

  it('close() mid-file kills ffmpeg, which was held by backpressure, not decoding ahead', async () => {
    const long = writeWav(join(dir, 'long.wav'), [noise(30, SR, 0.1, 3), noise(30, SR, 0.1, 4)], SR);
    const p = join(dir, 'long.aiff');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', long, p]);
    const s = (await openAudioStream(p)) as FfmpegAudioStream;
    expect(typeof s.pid).toBe('number');
    expect((await s.read(SR))![0].length).toBe(SR);
    await new Promise((r) => setTimeout(r, 300)); // 30 s of AIFF would decode in far less
    expect(() => process.kill(s.pid!, 0)).not.toThrow(); // still running: waiting on the pipe
    await s.close();
    expect(() => process.kill(s.pid!, 0)).toThrow(/ESRCH/);
    await s.close(); // idempotent
    await expect(s.read(10)).rejects.toThrow(/read after close/);
  });

  it('ffmpeg skipping undecodable data mid-file is a note, not an error', async () => {
    const p = join(dir, 'garbled.mp3');
    const good = readFileSync(conv('g-src.mp3', '-c:a', 'libmp3lame', '-id3v2_version', '0')).subarray(0, 2000);
    const r = rng(5);
    writeFileSync(p, Buffer.concat([good, new Uint8Array(3000).map(() => Math.floor(r() * 256))]));
    const s = await openAudioStream(p);
    let frames = 0;
    for (let b: Float32Array[] | null; (b = await s.read(4096)); ) frames += b[0].length;
    await s.close();
    expect(frames).toBeGreaterThan(0);
    expect(s.notes.join()).toMatch(/ffmpeg skipped data it could not decode: .*(Header missing|Invalid data)/);
  });
});

describe.skipIf(!hasFfmpeg)(`errors name the file and what went wrong${skipNote}`, () => {
  const r = rng(11);
  const bad: [string, Uint8Array, RegExp][] = [
    ['text.mp3', new TextEncoder().encode('hello, this is not audio at all\n'), /not a WAV or FLAC file \(starts with 68 65 6c 6c\); ffmpeg cannot read it \(ffprobe exit 1\): ./],
    // An ID3 tag (no fLaC after it) in front of random bytes.
    ['garbage.mp3', new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0, ...Array.from({ length: 4000 }, () => Math.floor(r() * 256))]),
      /MP3 audio \(ID3 tag\); ffmpeg cannot read it \(ffprobe exit 1\): ./],
    ['empty.mp3', new Uint8Array(0), /empty file \(0 bytes\)/],
  ];
  for (const [name, bytes, pattern] of bad) {
    it(name, async () => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      const e = await readAudioFile(p).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AudioFormatError);
      expect((e as AudioFormatError).message).toMatch(pattern);
      expect((e as AudioFormatError).path).toBe(p);
      await expect(openAudioStream(p)).rejects.toThrow(pattern);
    });
  }

  it('an audio stream that decodes to nothing, and a file with video but no audio', async () => {
    const e0 = join(dir, 'e0.aiff');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '0', e0]);
    await expect(readAudioFile(e0)).rejects.toThrow(/AIFF audio; ffmpeg decoded no audio from the pcm_s16be stream \(0 samples\)/);
    const v = join(dir, 'v.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=d=0.2:s=64x48', '-c:v', 'mpeg4', v]);
    await expect(readAudioFile(v)).rejects.toThrow(/MP4\/M4A audio; no audio stream/);
  });

  it('ffmpeg or ffprobe missing: the message names ffmpeg and how to install it', async () => {
    const mp3 = join(dir, 'id3.mp3');
    const saved = { ff: process.env.HYDROMON_FFMPEG, fp: process.env.HYDROMON_FFPROBE };
    try {
      delete process.env.HYDROMON_FFPROBE;
      process.env.HYDROMON_FFMPEG = join(dir, 'no-such-dir', 'ffmpeg');
      expect(ffprobeBinary()).toBe(join(dir, 'no-such-dir', 'ffprobe')); // the sibling
      await expect(readAudioFile(mp3)).rejects.toThrow(/ffprobe \(part of ffmpeg\) not found .*install ffmpeg/);
      process.env.HYDROMON_FFPROBE = 'ffprobe';
      await expect(readAudioFile(mp3)).rejects.toThrow(/MP3 audio \(ID3 tag\); ffmpeg not found \(could not run ".*no-such-dir\/ffmpeg"\): install ffmpeg/);
      await expect(openAudioStream(mp3)).rejects.toBeInstanceOf(AudioFormatError);
    } finally {
      for (const [k, v] of [['HYDROMON_FFMPEG', saved.ff], ['HYDROMON_FFPROBE', saved.fp]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect((await readAudioFile(mp3)).format).toBe('ffmpeg/mp3');
  });
});

describe('ffprobeBinary', () => {
  it('HYDROMON_FFPROBE, else the sibling of a configured ffmpeg path, else ffprobe on PATH', () => {
    const saved = { ff: process.env.HYDROMON_FFMPEG, fp: process.env.HYDROMON_FFPROBE };
    try {
      delete process.env.HYDROMON_FFPROBE;
      delete process.env.HYDROMON_FFMPEG;
      expect(ffprobeBinary()).toBe('ffprobe');
      process.env.HYDROMON_FFMPEG = '/opt/ff/bin/ffmpeg';
      expect(ffprobeBinary()).toBe('/opt/ff/bin/ffprobe');
      process.env.HYDROMON_FFPROBE = '/x/probe';
      expect(ffprobeBinary()).toBe('/x/probe');
    } finally {
      for (const [k, v] of [['HYDROMON_FFMPEG', saved.ff], ['HYDROMON_FFPROBE', saved.fp]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
