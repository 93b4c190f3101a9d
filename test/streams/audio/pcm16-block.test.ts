import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pcm16Block, pcm16Binary } from '../../../streams/audio/pcm16-block.ts';
import { isRecycled } from '../../../streams/audio/recycled.ts';
import { openWavStream } from '../../../streams/audio/wav.ts';
import { writeWav } from '../../helpers/signals.ts';

const simd = WebAssembly.validate(pcm16Binary());

describe('Pcm16Block', () => {
  it('the kernel validates here (WebAssembly SIMD)', () => {
    expect(simd).toBe(true);
  });

  it('decodes every int16 value exactly, for lengths that are not whole vectors', () => {
    for (const n of [1, 7, 8, 9, 65536 + 3]) {
      const b = Pcm16Block.create(n)!;
      const src = new Int16Array(n);
      for (let i = 0; i < n; i++) src[i] = ((i * 7919) % 65536) - 32768; // walks the whole range
      src[0] = -32768;
      if (n > 1) src[n - 1] = 32767;
      b.bytes.set(new Uint8Array(src.buffer));
      const out = b.convert(n);
      expect(out.length).toBe(n);
      for (let i = 0; i < n; i++) if (out[i] !== src[i] / 32768) throw new Error(`n=${n} sample ${i}: ${out[i]} vs ${src[i] / 32768}`);
    }
  });

  it('marks its samples recycled and refuses blocks it cannot hold', () => {
    const b = Pcm16Block.create(16)!;
    expect(isRecycled(b.samples)).toBe(true);
    expect(() => b.convert(17)).toThrow(/do not fit a block of 16/);
    expect(() => Pcm16Block.create(0)).toThrow(/positive integer/);
  });
});

describe('wav readPcm16', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-pcm16-'));
  const sig = new Float32Array(48_013).map((_, i) => Math.sin(i / 9) * 0.7 + (i % 5) * 0.01);

  it('mono 16-bit: the same samples as read(), block by block, in the block (recycled)', async () => {
    const path = join(dir, 'm16.wav');
    writeWav(path, sig, 48_000, 'pcm16');
    const a = await openWavStream(path);
    const b = await openWavStream(path);
    expect(typeof b.readPcm16).toBe('function');
    const block = Pcm16Block.create(10_000)!;
    let total = 0;
    for (;;) {
      const x = await a.read(10_000);
      const y = await b.readPcm16!(10_000, block);
      if (!x || !y) {
        expect(x).toBe(y);
        break;
      }
      expect(y[0].buffer).toBe(block.samples.buffer);
      expect(isRecycled(y[0])).toBe(true);
      expect(Array.from(y[0])).toEqual(Array.from(x[0]));
      total += y[0].length;
    }
    expect(total).toBe(sig.length);
    await a.close();
    await b.close();
  });

  it('offered only for mono 16-bit, and a block too small is refused', async () => {
    const f32 = join(dir, 'f32.wav');
    writeWav(f32, sig, 48_000, 'float32');
    const stereo = join(dir, 'st.wav');
    writeWav(stereo, [sig, sig], 48_000, 'pcm16');
    for (const p of [f32, stereo]) {
      const s = await openWavStream(p);
      expect(s.readPcm16).toBeUndefined();
      await s.close();
    }
    const m = join(dir, 'm.wav');
    writeWav(m, sig, 48_000, 'pcm16');
    const s = await openWavStream(m);
    await expect(s.readPcm16!(2000, Pcm16Block.create(1000)!)).rejects.toThrow(/read of 2000 frames into a block of 1000/);
    await s.close();
  });

  it('a file that shrinks under the reader is a clear error', async () => {
    const path = join(dir, 'short.wav');
    writeWav(path, sig, 48_000, 'pcm16');
    const s = await openWavStream(path);
    writeFileSync(path, new Uint8Array(100)); // truncated after the header was parsed
    await expect(s.readPcm16!(1000, Pcm16Block.create(1000)!)).rejects.toThrow(/file shrank while reading/);
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
