import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { encodeWav, writeWavFile, type WavSampleFormat } from '../../../streams/audio/wav-write.ts';
import { parseWav } from '../../../streams/audio/wav.ts';
import { tone, chirp } from '../../helpers/signals.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'wavw-test-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('WAV writer', () => {
  const codec: Record<WavSampleFormat, string> = {
    pcm8: 'pcm_u8', pcm16: 'pcm_s16le', pcm24: 'pcm_s24le', pcm32: 'pcm_s32le', float32: 'pcm_f32le', float64: 'pcm_f64le',
  };
  for (const [format, name] of Object.entries(codec) as [WavSampleFormat, string][]) {
    it(`${format}: ffprobe sees ${name}, stereo, 12 kHz, the right duration`, async () => {
      const p = join(dir, `${format}.wav`);
      await writeWavFile(p, [tone(100, 0.75, 12000), chirp(10, 5000, 0.75, 12000)], 12000, { format });
      const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate,channels,duration', '-of', 'csv=p=0', p]).toString().trim();
      expect(out).toBe(`${name},12000,2,0.750000`);
    });
  }

  it('integer formats clip to ±1 and round to the nearest step; float keeps values as they are', () => {
    const x = new Float32Array([1.5, -2, 0.5, -0.5, 1.6 / 32767, NaN]);
    const a = parseWav(encodeWav(x, 8000, { format: 'pcm16' }), 'c.wav').channels[0];
    expect(Array.from(a)).toEqual([32767, -32767, 16384, -16384, 2, 0].map((v) => v / 32768));
    const f = parseWav(encodeWav(x.subarray(0, 5), 8000, { format: 'float32' }), 'f.wav').channels[0];
    expect(Array.from(f)).toEqual(Array.from(x.subarray(0, 5)));
  });

  it('headers: 44 bytes for 16-bit PCM; float carries a fact chunk; odd data gets its pad byte', () => {
    expect(encodeWav(new Float32Array(10), 8000).length).toBe(44 + 20);
    const fl = encodeWav(new Float32Array(3), 8000, { format: 'float32' });
    expect(String.fromCharCode(...fl.subarray(38, 42))).toBe('fact');
    const odd = encodeWav(new Float32Array(3), 8000, { format: 'pcm8' });
    expect(odd.length).toBe(44 + 3 + 1);
    expect(new DataView(odd.buffer).getUint32(4, true)).toBe(odd.length - 8);
    expect(readFileSync).toBeDefined();
  });

  it('refuses what would make a broken file', () => {
    expect(() => encodeWav([], 8000)).toThrow(/at least one channel/);
    expect(() => encodeWav([new Float32Array(2), new Float32Array(3)], 8000)).toThrow(/differ in length/);
    expect(() => encodeWav(new Float32Array(2), 0)).toThrow(/positive integer/);
    expect(() => encodeWav(new Float32Array(2), 44100.5)).toThrow(/positive integer/);
  });
});
