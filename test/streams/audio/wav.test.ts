import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseWav, openWavStream, parseWavHeader, bufferSource } from '../../../streams/audio/wav.ts';
import { encodeWav, type WavSampleFormat } from '../../../streams/audio/wav-write.ts';
import { AudioFormatError } from '../../../streams/audio/errors.ts';
import { tone, chirp, noise, mix, writeWav, quantise16 } from '../../helpers/signals.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'wav-test-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

/** Decode with ffmpeg to f32le: the reference every format is checked against. */
function ffmpegF32(path: string, channels: number): Float32Array[] {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-ac', String(channels), '-'], { maxBuffer: 1 << 28 });
  const inter = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const out: Float32Array[] = [];
  for (let c = 0; c < channels; c++) {
    const ch = new Float32Array(inter.length / channels);
    for (let i = 0; i < ch.length; i++) ch[i] = inter[i * channels + c];
    out.push(ch);
  }
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function expectAudioError(fn: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try { fn(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(AudioFormatError);
  expect((err as AudioFormatError).message).toMatch(pattern);
}

const sr = 8000;
const left = mix(tone(440, 0.5, sr, 0.4), noise(0.5, sr, 0.05, 7));
const right = chirp(200, 3000, 0.5, sr, 0.6);

describe('WAV reader: formats our writer produces', () => {
  const cases: [WavSampleFormat, number][] = [
    ['pcm8', 1 / 64], ['pcm16', 1 / 16384], ['pcm24', 1e-6], ['pcm32', 1e-7], ['float32', 0], ['float64', 1e-7],
  ];
  for (const [format, tol] of cases) {
    for (const extensible of [false, true]) {
      it(`${format}${extensible ? ' extensible' : ''} stereo round-trips within ${tol}`, () => {
        const bytes = encodeWav([left, right], sr, { format, extensible });
        const a = parseWav(bytes, 'mem.wav');
        expect(a.sampleRate).toBe(sr);
        expect(a.channels.length).toBe(2);
        expect(a.frames).toBe(left.length);
        expect(a.durationS).toBeCloseTo(0.5, 9);
        expect(maxAbsDiff(a.channels[0], left)).toBeLessThanOrEqual(tol);
        expect(maxAbsDiff(a.channels[1], right)).toBeLessThanOrEqual(tol);
      });
    }
  }

  it('16-bit values are exactly int / 32768', () => {
    const a = parseWav(encodeWav(left, sr), 'x.wav');
    expect(maxAbsDiff(a.channels[0], quantise16(left))).toBe(0);
    expect(a.format).toBe('wav/pcm16');
    expect(a.bitsPerSample).toBe(16);
  });
});

describe('WAV reader against ffmpeg-made files', () => {
  const codecs = ['pcm_u8', 'pcm_s16le', 'pcm_s24le', 'pcm_s32le', 'pcm_f32le', 'pcm_f64le', 'pcm_alaw', 'pcm_mulaw'];
  const out = (codec: string): string => join(dir, `ff-${codec}.wav`);
  beforeAll(() => {
    // One ffmpeg process, one output per codec; -metadata forces a LIST chunk between fmt and
    // data, as real files often have.
    const src = writeWav(join(dir, 'src-codecs.wav'), [left, right], sr, 'float32');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', src, ...codecs.flatMap((c) => ['-c:a', c, '-metadata', 'comment=odd', out(c)])]);
  });
  for (const codec of codecs) {
    it(`${codec} decodes like ffmpeg`, () => {
      const a = parseWav(readFileSync(out(codec)), out(codec));
      const ref = ffmpegF32(out(codec), 2);
      expect(maxAbsDiff(a.channels[0], ref[0])).toBeLessThan(1e-6);
      expect(maxAbsDiff(a.channels[1], ref[1])).toBeLessThan(1e-6);
    });
  }

  it('RF64 (ffmpeg -rf64 always) reads with its ds64 sizes', () => {
    const src = writeWav(join(dir, 'rf-src.wav'), left, sr);
    const out = join(dir, 'rf64.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', src, '-c:a', 'pcm_s16le', '-rf64', 'always', out]);
    const bytes = readFileSync(out);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('RF64');
    const a = parseWav(bytes, out);
    expect(maxAbsDiff(a.channels[0], quantise16(left))).toBe(0);
  });

  it('a streamed WAV (data size 0xFFFFFFFF, ffmpeg to a pipe) reads to the end of the file', () => {
    const src = writeWav(join(dir, 'pipe-src.wav'), left, sr);
    const bytes = execFileSync('ffmpeg', ['-v', 'error', '-i', src, '-f', 'wav', '-']);
    const a = parseWav(bytes, 'pipe.wav');
    expect(a.frames).toBe(left.length);
    expect(maxAbsDiff(a.channels[0], quantise16(left))).toBe(0);
  });
});

/** Build a RIFF file from raw chunks, to test chunk order and padding. */
function riff(chunks: [string, Uint8Array, boolean?][]): Uint8Array {
  const parts: number[] = [];
  for (const [id, body, noPad] of chunks) {
    for (const ch of id) parts.push(ch.charCodeAt(0));
    const n = body.length;
    parts.push(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
    parts.push(...body);
    if (n % 2 && !noPad) parts.push(0);
  }
  const total = parts.length + 4;
  return new Uint8Array([
    0x52, 0x49, 0x46, 0x46, total & 0xff, (total >> 8) & 0xff, (total >> 16) & 0xff, total >>> 24,
    0x57, 0x41, 0x56, 0x45, ...parts,
  ]);
}

function fmtBody(tag: number, ch: number, rate: number, bits: number, blockAlign = ch * Math.ceil(bits / 8)): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, tag, true); dv.setUint16(2, ch, true); dv.setUint32(4, rate, true);
  dv.setUint32(8, rate * blockAlign, true); dv.setUint16(12, blockAlign, true); dv.setUint16(14, bits, true);
  return b;
}

function pcm16(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 2);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => dv.setInt16(i * 2, v, true));
  return b;
}

describe('WAV chunk layout', () => {
  const samples = [0, 1000, -1000, 32767, -32768];
  const expected = samples.map((v) => v / 32768);

  it('data before fmt', () => {
    const a = parseWav(riff([['data', pcm16(samples)], ['fmt ', fmtBody(1, 1, 8000, 16)]]), 'order.wav');
    expect(Array.from(a.channels[0])).toEqual(expected);
  });

  it('odd-sized LIST chunk with its pad byte, plus fact and bext skipped', () => {
    const a = parseWav(riff([
      ['fmt ', fmtBody(1, 1, 8000, 16)], ['LIST', new Uint8Array(7).fill(65)], ['fact', new Uint8Array(4)],
      ['bext', new Uint8Array(3)], ['data', pcm16(samples)],
    ]), 'pad.wav');
    expect(Array.from(a.channels[0])).toEqual(expected);
  });

  it('odd-sized chunk whose writer forgot the pad byte', () => {
    const a = parseWav(riff([['fmt ', fmtBody(1, 1, 8000, 16)], ['LIST', new Uint8Array(7).fill(65), true], ['data', pcm16(samples)]]), 'nopad.wav');
    expect(Array.from(a.channels[0])).toEqual(expected);
  });

  it('trailing garbage after the data chunk is ignored', () => {
    const good = riff([['fmt ', fmtBody(1, 1, 8000, 16)], ['data', pcm16(samples)]]);
    const withJunk = new Uint8Array([...good, 0xff, 0x00, 0x13, 0x37, 0x01, 0x02, 0x03, 0x04, 0x05]);
    expect(Array.from(parseWav(withJunk, 'junk.wav').channels[0])).toEqual(expected);
  });

  it('a partial last frame is dropped', () => {
    const data = new Uint8Array([...pcm16(samples), 0x12]);
    const a = parseWav(riff([['fmt ', fmtBody(1, 1, 8000, 16)], ['data', data]]), 'partial.wav');
    expect(a.frames).toBe(5);
  });

  it('24 valid bits in a 32-bit container (blockAlign says 4)', () => {
    const b = new Uint8Array(8);
    const dv = new DataView(b.buffer);
    dv.setInt32(0, 0x40000000, true); dv.setInt32(4, -0x80000000, true);
    const a = parseWav(riff([['fmt ', fmtBody(1, 1, 8000, 24, 4)], ['data', b]]), 'c32.wav');
    expect(Array.from(a.channels[0])).toEqual([0.5, -1]);
  });
});

describe('WAV bad input: AudioFormatError naming the file and the fault', () => {
  const good = riff([['fmt ', fmtBody(1, 1, 8000, 16)], ['data', pcm16([1, 2, 3, 4])]]);
  const cases: [string, Uint8Array, RegExp][] = [
    ['zero-length file', new Uint8Array(0), /empty file/],
    ['shorter than a header', good.subarray(0, 9), /too short/],
    ['not RIFF', new Uint8Array(64).fill(7), /not a WAV file/],
    ['RIFF but not WAVE', (() => { const b = good.slice(); b.set([65, 86, 73, 32], 8); return b; })(), /not WAVE/],
    ['truncated data chunk', good.subarray(0, good.length - 3), /truncated data chunk/],
    ['truncated fmt chunk', good.subarray(0, 30), /truncated fmt chunk/],
    ['no data chunk', riff([['fmt ', fmtBody(1, 1, 8000, 16)]]), /no data chunk/],
    ['no fmt chunk', riff([['data', pcm16([1, 2])]]), /no fmt chunk/],
    ['fmt chunk too short', riff([['fmt ', new Uint8Array(10)], ['data', pcm16([1])]]), /fmt chunk too short/],
    ['MP3 in WAV', riff([['fmt ', fmtBody(0x55, 1, 8000, 16)], ['data', pcm16([1])]]), /unsupported format tag 0x0055 \(MPEG\)/],
    ['ADPCM', riff([['fmt ', fmtBody(0x2, 1, 8000, 4)], ['data', pcm16([1])]]), /0x0002 \(MS ADPCM\)/],
    ['sample rate 0', riff([['fmt ', fmtBody(1, 1, 0, 16)], ['data', pcm16([1])]]), /sample rate 0/],
    ['absurd sample rate', riff([['fmt ', fmtBody(1, 1, 10_000_000, 16)], ['data', pcm16([1])]]), /sample rate 10000000 is absurd/],
    ['channel count 0', riff([['fmt ', fmtBody(1, 0, 8000, 16, 2)], ['data', pcm16([1])]]), /channel count 0/],
    ['PCM 0 bits', riff([['fmt ', fmtBody(1, 1, 8000, 0, 2)], ['data', pcm16([1])]]), /bits per sample 0/],
    ['float 16 bits', riff([['fmt ', fmtBody(3, 1, 8000, 16)], ['data', pcm16([1])]]), /float bits per sample 16/],
    ['corrupt chunk header', (() => { const b = good.slice(); b.set([0, 1, 2, 3], 12); return b; })(), /corrupt chunk header at byte 12/],
    ['big-endian RIFX', (() => { const b = good.slice(); b[3] = 0x58; return b; })(), /RIFX/],
  ];
  for (const [name, bytes, pattern] of cases) {
    it(name, () => {
      expectAudioError(() => parseWav(bytes, '/data/bad.wav'), pattern);
      try { parseWav(bytes, '/data/bad.wav'); } catch (e) { expect((e as Error).message).toContain('/data/bad.wav'); }
    });
  }

  it('unknown extensible subformat GUID', () => {
    const f = new Uint8Array(40);
    f.set(fmtBody(0xfffe, 1, 8000, 16));
    f.set([22, 0, 16, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xab], 16);
    expectAudioError(() => parseWav(riff([['fmt ', f], ['data', pcm16([1])]]), 'g.wav'), /subformat GUID/);
  });

  it('data size 0 with samples after it (unfinished recording): error, or read to the end with allowTruncated', () => {
    const b = riff([['fmt ', fmtBody(1, 1, 8000, 16)], ['data', pcm16([100, 200, 300, 400, 500])]]);
    b.set([0, 0, 0, 0], 40); // data size field
    expectAudioError(() => parseWav(b, 'zero.wav'), /data chunk declares 0 bytes but 10 bytes follow/);
    expect(Array.from(parseWav(b, 'zero.wav', { allowTruncated: true }).channels[0])).toEqual([100, 200, 300, 400, 500].map((v) => v / 32768));
    // An honest empty data chunk followed by another chunk is fine: zero frames.
    expect(parseWav(riff([['fmt ', fmtBody(1, 1, 8000, 16)], ['data', new Uint8Array(0)], ['LIST', new Uint8Array(4)]]), 'empty-data.wav').frames).toBe(0);
  });

  it('allowTruncated keeps the whole frames that are there', () => {
    const a = parseWav(good.subarray(0, good.length - 3), 't.wav', { allowTruncated: true });
    expect(a.frames).toBe(2);
  });

  it('NaN and Inf in a float file become 0 and are counted', () => {
    const x = new Float32Array([0.5, NaN, -0.25, Infinity, -Infinity, 0.125]);
    const a = parseWav(encodeWav(x, 8000, { format: 'float32' }), 'nan.wav');
    expect(Array.from(a.channels[0])).toEqual([0.5, 0, -0.25, 0, 0, 0.125]);
    expect(a.nonFinite).toBe(3);
  });
});

describe('WAV streaming reader', () => {
  it('blocks concatenate to the whole file and the last block is short', async () => {
    const sig = [mix(tone(300, 2, 16000), noise(2, 16000, 0.1, 3)), chirp(50, 7000, 2, 16000)];
    const path = writeWav(join(dir, 'stream.wav'), sig, 16000, 'pcm24');
    const whole = parseWav(readFileSync(path), path);
    const s = await openWavStream(path);
    expect(s.frames).toBe(32000);
    expect(s.channelCount).toBe(2);
    const got: Float32Array[][] = [];
    for (;;) {
      const b = await s.read(3000);
      if (!b) break;
      got.push(b);
    }
    await s.close();
    await s.close(); // idempotent
    expect(got.length).toBe(11);
    expect(got.slice(0, 10).every((b) => b[0].length === 3000)).toBe(true);
    expect(got[10][0].length).toBe(2000);
    for (let c = 0; c < 2; c++) {
      const cat = new Float32Array(32000);
      let p = 0;
      for (const b of got) { cat.set(b[c], p); p += b[c].length; }
      expect(maxAbsDiff(cat, whole.channels[c])).toBe(0);
    }
  });

  it('a bad file throws AudioFormatError at open, not a raw fs error', async () => {
    const p = join(dir, 'bad-open.wav');
    writeFileSync(p, new Uint8Array([1, 2, 3]));
    await expect(openWavStream(p)).rejects.toBeInstanceOf(AudioFormatError);
    await expect(openWavStream(join(dir, 'missing.wav'))).rejects.toThrow(/missing\.wav: cannot open/);
  });

  it('header parse is cheap: only the header is touched', () => {
    const h = parseWavHeader(bufferSource(encodeWav(left, sr)), 'h.wav');
    expect(h.dataOffset).toBe(44);
    expect(h.frames).toBe(left.length);
  });
});
