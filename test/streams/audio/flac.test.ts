import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseFlac, openFlacStream } from '../../../streams/audio/flac.ts';
import { parseWav } from '../../../streams/audio/wav.ts';
import { AudioFormatError } from '../../../streams/audio/errors.ts';
import type { WavSampleFormat } from '../../../streams/audio/wav-write.ts';
import { tone, chirp, noise, mix, concat, silence, gain, writeWav } from '../../helpers/signals.ts';
import { expectSameChannels } from './same-channels.ts';

// ffmpeg's FLAC encoder cannot write 8-bit; sox can. Skip visibly where sox is not installed.
const hasSox = (() => { try { execFileSync('sox', ['--version']); return true; } catch { return false; } })();
if (!hasSox) console.warn('[skip] 8-bit FLAC test: sox not installed');

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'flac-test-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const sr = 16000;
// Silence (CONSTANT subframes), tones (FIXED/LPC), loud noise (VERBATIM / escaped partitions).
const a = concat(silence(0.2, sr), mix(tone(440, 0.6, sr, 0.3), noise(0.6, sr, 0.02, 5)), noise(0.2, sr, 0.6, 9));
const b = concat(chirp(100, 6000, 0.7, sr, 0.5), silence(0.1, sr), gain(noise(0.2, sr, 0.3, 4), 1));

let seq = 0;
/** Make a WAV, encode it to FLAC with ffmpeg, return both paths. */
function makeFlac(channels: Float32Array[], format: WavSampleFormat, ffArgs: string[]): { wav: string; flac: string } {
  const n = seq++;
  const wav = writeWav(join(dir, `s${n}.wav`), channels, sr, format);
  const flac = join(dir, `s${n}.flac`);
  const fmt = format === 'pcm24' ? ['-sample_fmt', 's32'] : [];
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-c:a', 'flac', ...fmt, ...ffArgs, flac]);
  return { wav, flac };
}


/**
 * Encode one WAV into several FLAC variants with a single ffmpeg process (one output per variant):
 * process start-up, not encoding, is what costs time on a loaded machine.
 */
function makeFlacs(channels: Float32Array[], format: WavSampleFormat, variants: string[][]): { wav: string; flacs: string[] } {
  const n = seq++;
  const wav = writeWav(join(dir, `m${n}.wav`), channels, sr, format);
  const fmt = format === 'pcm24' ? ['-sample_fmt', 's32'] : [];
  const flacs = variants.map((_, k) => join(dir, `m${n}-${k}.flac`));
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, ...variants.flatMap((v, k) => ['-c:a', 'flac', ...fmt, ...v, flacs[k]])]);
  return { wav, flacs };
}

describe('FLAC decoder: exact against the source samples', () => {
  const variants: [string, string[]][] = [
    ['default', []],
    ['compression 0 (fixed predictors)', ['-compression_level', '0']],
    ['compression 12 (high-order LPC)', ['-compression_level', '12']],
    ['lpc_type none', ['-lpc_type', 'none']],
    ['lpc_type fixed', ['-lpc_type', 'fixed']],
    ['lpc_type cholesky, exact rice', ['-lpc_type', 'cholesky', '-exact_rice_parameters', '1']],
    ['odd frame size 1000', ['-frame_size', '1000']],
    ['frame size 4608', ['-frame_size', '4608']],
  ];
  const modes: [string, string][] = [['independent', '0'], ['left/side', '1'], ['right/side', '2'], ['mid/side', '3']];
  for (const format of ['pcm16', 'pcm24'] as const) {
    let mono: { wav: string; flacs: string[] };
    let stereo: { wav: string; flacs: string[] };
    beforeAll(() => {
      mono = makeFlacs([a], format, variants.map((v) => v[1]));
      stereo = makeFlacs([a, b], format, modes.map(([, code]) => ['-ch_mode', code]));
    });
    variants.forEach(([name], k) => {
      it(`${format} mono, ${name}`, () => {
        const got = parseFlac(readFileSync(mono.flacs[k]), mono.flacs[k]);
        expect(got.sampleRate).toBe(sr);
        expect(got.bitsPerSample).toBe(format === 'pcm16' ? 16 : 24);
        expectSameChannels(got.channels, parseWav(readFileSync(mono.wav), mono.wav).channels);
      });
    });
    modes.forEach(([mode], k) => {
      it(`${format} stereo, ${mode}`, () => {
        const got = parseFlac(readFileSync(stereo.flacs[k]), stereo.flacs[k]);
        expect(got.channels.length).toBe(2);
        expectSameChannels(got.channels, parseWav(readFileSync(stereo.wav), stereo.wav).channels);
      });
    });
  }

  it('wasted bits: 8-bit content stored as 16-bit', () => {
    const coarse = a.map((x) => Math.round(x * 127) / 128);
    const { wav, flac } = makeFlac([coarse], 'pcm16', []);
    expectSameChannels(parseFlac(readFileSync(flac), flac).channels, parseWav(readFileSync(wav), wav).channels);
  });

  it.skipIf(!hasSox)('8-bit FLAC (made by sox) equals its 8-bit WAV', () => {
    const wav = writeWav(join(dir, 'b8.wav'), [a, b], sr, 'pcm8');
    const flac = join(dir, 'b8.flac');
    execFileSync('sox', [wav, flac]);
    const got = parseFlac(readFileSync(flac), flac);
    expect(got.format).toBe('flac/8');
    expectSameChannels(got.channels, parseWav(readFileSync(wav), wav).channels);
  });

  it('6 channels and a picture block before the audio', () => {
    const chans = [a, b, gain(a, -1), silence(1, sr), tone(1000, 1, sr), noise(1, sr, 0.1, 3)];
    const { wav, flac } = makeFlac(chans, 'pcm16', ['-metadata', 'title=x'.repeat(500)]);
    expectSameChannels(parseFlac(readFileSync(flac), flac).channels, parseWav(readFileSync(wav), wav).channels);
  });

  it('an ID3v2 tag in front of fLaC is skipped', () => {
    const { wav, flac } = makeFlac([a], 'pcm16', []);
    const id3 = new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5]);
    const bytes = new Uint8Array([...id3, ...readFileSync(flac)]);
    expectSameChannels(parseFlac(bytes, flac).channels, parseWav(readFileSync(wav), wav).channels);
  });
});

describe('FLAC streaming reader', () => {
  it('blocks of any size concatenate to the whole file, with a tiny I/O window', async () => {
    const { flac } = makeFlac([a, b], 'pcm24', ['-frame_size', '1152']);
    const whole = parseFlac(readFileSync(flac), flac);
    for (const block of [1, 999, 4096, 100000]) {
      const s = await openFlacStream(flac, { ioBytes: 4096 });
      expect(s.frames).toBe(whole.frames);
      const cat = [new Float32Array(whole.frames), new Float32Array(whole.frames)];
      let p = 0;
      for (;;) {
        const blk = await s.read(block);
        if (!blk) break;
        if (p + blk[0].length < whole.frames) expect(blk[0].length).toBe(block);
        cat[0].set(blk[0], p); cat[1].set(blk[1], p);
        p += blk[0].length;
      }
      await s.close();
      expect(p).toBe(whole.frames);
      expectSameChannels(cat, whole.channels);
    }
  });

  it('a truncated file fails in the stream with AudioFormatError', async () => {
    const { flac } = makeFlac([a], 'pcm16', []);
    const bytes = readFileSync(flac);
    const cut = join(dir, 'cut.flac');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const s = await openFlacStream(cut);
    let err: unknown;
    try { while (await s.read(4096)); } catch (e) { err = e; }
    await s.close();
    expect(err).toBeInstanceOf(AudioFormatError);
    expect((err as Error).message).toMatch(/cut\.flac: truncated/);
  });
});

describe('FLAC concealment of corrupt frames (streams with conceal)', () => {
  async function readAll(path: string): Promise<{ x: Float32Array; concealed: number }> {
    const s = await openFlacStream(path, { conceal: true, ioBytes: 4096 });
    const parts: Float32Array[] = [];
    for (;;) { const b = await s.read(1000); if (!b) break; parts.push(b[0]); }
    await s.close();
    const x = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let p = 0;
    for (const part of parts) { x.set(part, p); p += part.length; }
    return { x, concealed: s.concealed };
  }

  it('a damaged frame becomes silence of its length; every other sample is exact; time is kept', async () => {
    const { flac } = makeFlac([a], 'pcm16', ['-frame_size', '1024']);
    const bytes = new Uint8Array(readFileSync(flac));
    const whole = parseFlac(bytes, flac).channels[0];
    for (const at of [0.35, 0.5, 0.7]) {
      const bad = bytes.slice();
      bad[Math.floor(bad.length * at)] ^= 0x24;
      const p = join(dir, `damaged-${at}.flac`);
      writeFileSync(p, bad);
      expect(() => parseFlac(bad, p)).toThrow(AudioFormatError); // strict by default
      const { x, concealed } = await readAll(p);
      expect(x.length).toBe(whole.length);
      expect(concealed % 1024).toBe(0);
      expect(concealed).toBeGreaterThanOrEqual(1024);
      expect(concealed).toBeLessThanOrEqual(2048);
      let differ = 0;
      let zeroed = 0;
      for (let i = 0; i < x.length; i++) {
        if (x[i] !== whole[i]) { differ++; if (x[i] !== 0) throw new Error(`sample ${i} neither exact nor silenced`); }
        if (x[i] === 0 && whole[i] !== 0) zeroed++;
      }
      expect(differ).toBeLessThanOrEqual(concealed);
      expect(zeroed).toBeGreaterThan(0);
    }
  });

  it('damage up to the end of the file: the declared rest becomes silence', async () => {
    const { flac } = makeFlac([a], 'pcm16', ['-frame_size', '1024']);
    const bytes = new Uint8Array(readFileSync(flac));
    const bad = bytes.slice();
    for (let i = bad.length - 600; i < bad.length; i++) bad[i] = 0x55;
    const p = join(dir, 'damaged-tail.flac');
    writeFileSync(p, bad);
    const { x, concealed } = await readAll(p);
    expect(x.length).toBe(a.length);
    expect(concealed).toBeGreaterThan(0);
  });
});

describe('FLAC bad input', () => {
  function err(bytes: Uint8Array): AudioFormatError {
    try { parseFlac(bytes, 'bad.flac'); } catch (e) { expect(e).toBeInstanceOf(AudioFormatError); return e as AudioFormatError; }
    throw new Error('expected an AudioFormatError');
  }
  let good: Uint8Array;
  beforeAll(() => { good = new Uint8Array(readFileSync(makeFlac([a], 'pcm16', []).flac)); });

  it('empty file', () => { expect(err(new Uint8Array(0)).reason).toMatch(/empty file/); });
  it('no marker', () => { expect(err(new Uint8Array(100)).reason).toMatch(/no fLaC marker/); });
  it('truncated metadata', () => { expect(err(good.subarray(0, 20)).reason).toMatch(/truncated metadata/); });
  it('truncated frames', () => { expect(err(good.subarray(0, good.length - 100)).reason).toMatch(/truncated/); });
  it('sample rate 0 in STREAMINFO', () => {
    const x = good.slice(); x[18] = 0; x[19] = 0; x[20] &= 0x0f;
    expect(err(x).reason).toMatch(/sample rate 0/);
  });
  it('a flipped bit in audio is a CRC error', () => {
    const x = good.slice(); x[Math.floor(x.length / 2)] ^= 0x10;
    expect(err(x).reason).toMatch(/CRC|sync|out of range|reserved|partition|padding/);
  });
  it('first block not STREAMINFO', () => {
    const x = good.slice(); x[4] = (x[4] & 0x80) | 4;
    expect(err(x).reason).toMatch(/not STREAMINFO/);
  });
});
