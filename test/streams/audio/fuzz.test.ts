// Fuzz: random and mutated byte strings must either decode to finite samples or throw
// AudioFormatError — never another exception, never a hang. Fixed seed, so a failure reproduces.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Pcm16Block } from '../../../streams/audio/pcm16-block.ts';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { decodeAudio, openAudioStream } from '../../../streams/audio/read.ts';
import { parseFlac } from '../../../streams/audio/flac.ts';
import { encodeWav } from '../../../streams/audio/wav-write.ts';
import { AudioFormatError } from '../../../streams/audio/errors.ts';
import type { AudioData } from '../../../streams/audio/audio-stream.ts';
import { rng, tone, noise, mix, writeWav } from '../../helpers/signals.ts';

let dir: string;
const seeds: Uint8Array[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
  const sig = mix(tone(500, 0.15, 8000, 0.4), noise(0.15, 8000, 0.05, 11));
  const sig2 = tone(1200, 0.15, 8000, 0.3);
  seeds.push(encodeWav(sig, 8000), encodeWav([sig, sig2], 8000, { format: 'float32' }));
  seeds.push(encodeWav([sig, sig2], 8000, { format: 'pcm24', extensible: true }), encodeWav(sig, 8000, { format: 'pcm8' }));
  for (const [chans, extra] of [[[sig], []], [[sig, sig2], ['-ch_mode', '3']], [[sig, sig2], ['-sample_fmt', 's32', '-compression_level', '8']]] as const) {
    const wav = writeWav(join(dir, `seed${seeds.length}.wav`), chans as unknown as Float32Array[], 8000, extra.length > 2 ? 'pcm24' : 'pcm16');
    const flac = wav.replace(/\.wav$/, '.flac');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-c:a', 'flac', '-frame_size', '256', ...extra, flac]);
    seeds.push(new Uint8Array(readFileSync(flac)));
  }
});
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const x = src.slice();
  const kind = Math.floor(r() * 6);
  const at = Math.floor(r() * x.length);
  switch (kind) {
    case 0: { const n = 1 + Math.floor(r() * 8); for (let i = 0; i < n; i++) x[Math.floor(r() * x.length)] ^= 1 << Math.floor(r() * 8); return x; }
    case 1: return x.subarray(0, at); // truncation
    case 2: { x[at] = Math.floor(r() * 256); return x; }
    case 3: { // header region: where sizes, rates and counts live
      const h = Math.floor(r() * Math.min(x.length, 80)); x[h] = [0, 0xff, 0x7f, 0x80, 1][Math.floor(r() * 5)]; return x;
    }
    case 4: { const ins = new Uint8Array(1 + Math.floor(r() * 16)).map(() => Math.floor(r() * 256)); return new Uint8Array([...x.subarray(0, at), ...ins, ...x.subarray(at)]); }
    default: { const n = Math.floor(r() * 64); return new Uint8Array([...x.subarray(0, at), ...x.subarray(Math.min(x.length, at + n))]); }
  }
}

function check(d: AudioData): void {
  expect(d.sampleRate).toBeGreaterThan(0);
  expect(d.sampleRate).toBeLessThanOrEqual(1_000_000);
  for (const ch of d.channels) {
    expect(ch.length).toBe(d.frames);
    for (let i = 0; i < ch.length; i++) if (!Number.isFinite(ch[i])) throw new Error(`non-finite sample at ${i}`);
  }
}

describe('fuzz: decode or AudioFormatError, nothing else', () => {
  it('3000 mutated WAV/FLAC files and 500 random byte strings (seed 1234)', () => {
    const r = rng(1234);
    let decoded = 0, rejected = 0;
    const t0 = Date.now();
    const cases: Uint8Array[] = [];
    for (let i = 0; i < 3000; i++) cases.push(mutate(seeds[i % seeds.length], r));
    for (let i = 0; i < 500; i++) {
      const n = Math.floor(r() * 200);
      const x = new Uint8Array(n).map(() => Math.floor(r() * 256));
      // Give some of them a valid magic so the parsers get past the first check.
      if (i % 3 === 0 && n >= 12) x.set([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45]);
      if (i % 3 === 1 && n >= 4) x.set([0x66, 0x4c, 0x61, 0x43]);
      cases.push(x);
    }
    cases.forEach((bytes, i) => {
      try {
        check(decodeAudio(bytes, `case-${i}`));
        decoded++;
      } catch (e) {
        if (!(e instanceof AudioFormatError)) throw new Error(`case ${i}: ${(e as Error).stack}`);
        expect(e.message).toContain(`case-${i}`);
        rejected++;
      }
    });
    // Both outcomes must occur, or the fuzzer is not reaching the decoders.
    expect(decoded).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
    console.log(`fuzz: ${decoded} decoded, ${rejected} rejected in ${Date.now() - t0} ms`);
  });

  it('FLAC without CRC checks: corrupt frames reach the subframe decoder and still fail cleanly', () => {
    const r = rng(99);
    const flacs = seeds.slice(4);
    for (let i = 0; i < 1500; i++) {
      const x = flacs[i % flacs.length].slice();
      for (let k = 0; k < 3; k++) x[100 + Math.floor(r() * (x.length - 100))] ^= 1 << Math.floor(r() * 8);
      try { check(parseFlac(x, `nocrc-${i}`, { verifyCrc: false })); } catch (e) {
        if (!(e instanceof AudioFormatError)) throw new Error(`case ${i}: ${(e as Error).stack}`);
      }
    }
  });

  it('streaming reader on 60 mutated files, with and without concealment: same contract', async () => {
    const r = rng(7);
    let pcm16Files = 0;
    for (let i = 0; i < 60; i++) {
      const p = join(dir, `m${i}.bin`);
      writeFileSync(p, mutate(seeds[i % seeds.length], r));
      for (const conceal of [false, true]) {
        try {
          const s = await openAudioStream(p, { conceal });
          try { while (await s.read(300)); } finally { await s.close(); }
        } catch (e) {
          if (!(e instanceof AudioFormatError)) throw new Error(`file ${i}: ${(e as Error).stack}`);
        }
      }
      // the SIMD path replay takes for mono 16-bit WAV (readPcm16), on the same mutated bytes
      try {
        const s = await openAudioStream(p, { allowTruncated: true });
        try {
          if (s.readPcm16) {
            pcm16Files++;
            const block = Pcm16Block.create(300)!;
            while (await s.readPcm16(300, block));
          }
        } finally { await s.close(); }
      } catch (e) {
        if (!(e instanceof AudioFormatError)) throw new Error(`file ${i} (readPcm16): ${(e as Error).stack}`);
      }
    }
    expect(pcm16Files).toBeGreaterThan(0); // some mutants still parse as mono 16-bit WAV
  });
});
