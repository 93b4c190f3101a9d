import { Command } from 'commander';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../../../server/cli/commands/features.ts';
import { initDsp } from '../../../../streams/dsp/fft.ts';
import { mfcc } from '../../../../streams/dsp/mfcc.ts';

/** Runs the command in-process (only this command registered), returning what it printed. */
async function run(args: string[]): Promise<{ stdout: string }> {
  const program = new Command('hydromon').exitOverride();
  register(program);
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    await program.parseAsync(['node', 'hydromon', ...args]);
  } finally {
    spy.mockRestore();
  }
  return { stdout };
}
const dir = mkdtempSync(join(tmpdir(), 'hydromon-features-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 16-bit PCM WAV written by hand (the test must not depend on the reader it exercises). */
function writeWav(path: string, sr: number, channels: Float32Array[]): void {
  const n = channels[0].length;
  const ch = channels.length;
  const data = Buffer.alloc(n * ch * 2);
  for (let i = 0; i < n; i++) for (let c = 0; c < ch; c++) data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(channels[c][i] * 32767))), (i * ch + c) * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(ch, 22);
  h.writeUInt32LE(sr, 24);
  h.writeUInt32LE(sr * ch * 2, 28);
  h.writeUInt16LE(ch * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([h, data]));
}

function quantised(x: Float32Array): Float32Array {
  return x.map((v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767))) / 32768);
}

describe('hydromon features', () => {
  const sr = 8000;
  const x = new Float32Array(sr).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / sr) + 0.1 * Math.sin((2 * Math.PI * 2000 * i) / sr));

  it('prints one JSON object with librosa defaults and the MFCC of the file', async () => {
    const f = join(dir, 'tone.wav');
    writeWav(f, sr, [x]);
    const { stdout } = await run(['features', f, '--json']);
    const out = JSON.parse(stdout) as { sample_rate: number; n_fft: number; hop_length: number; n_mels: number; n_mfcc: number; mfcc: number[][] };
    expect(out.sample_rate).toBe(8000);
    expect([out.n_fft, out.hop_length, out.n_mels, out.n_mfcc]).toEqual([2048, 512, 128, 60]);
    expect(out.mfcc.length).toBe(1 + Math.floor(sr / 512));
    expect(out.mfcc[0].length).toBe(60);
    await initDsp();
    const want = mfcc(quantised(x), sr);
    for (let f2 = 0; f2 < want.frames; f2++) for (let k = 0; k < 60; k++) expect(out.mfcc[f2][k]).toBeCloseTo(want.data[f2 * 60 + k], 2);
  });

  it('honours the options and averages stereo to mono', async () => {
    const f = join(dir, 'stereo.wav');
    writeWav(f, sr, [x, new Float32Array(x.length)]); // silent right channel: mono = x / 2
    const { stdout } = await run(['features', f, '--json', '--n-fft', '512', '--hop', '128', '--n-mels', '40', '--n-mfcc', '13', '--pad', 'constant']);
    const out = JSON.parse(stdout) as { n_fft: number; hop_length: number; n_mels: number; n_mfcc: number; mfcc: number[][] };
    expect([out.n_fft, out.hop_length, out.n_mels, out.n_mfcc]).toEqual([512, 128, 40, 13]);
    expect(out.mfcc.length).toBe(1 + Math.floor(sr / 128));
    await initDsp();
    const want = mfcc(quantised(x).map((v) => v / 2), sr, { nFft: 512, hop: 128, nMels: 40, nMfcc: 13, padMode: 'constant' });
    for (let k = 0; k < 13; k++) expect(out.mfcc[5][k]).toBeCloseTo(want.data[5 * 13 + k], 2);
  });

  it('fails clearly on a bad option or a non-audio file', async () => {
    const f = join(dir, 'notes.txt');
    writeFileSync(f, 'not audio at all');
    await expect(run(['features', f, '--json'])).rejects.toThrow(/notes\.txt/);
    await expect(run(['features', f, '--pad', 'wrap'])).rejects.toThrow(/--pad must be reflect or constant/);
    await expect(run(['features', f, '--hop', '0'])).rejects.toThrow(/--hop must be a positive integer/);
  });
});
