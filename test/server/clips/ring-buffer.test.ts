import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../streams/audio/wav-write.ts';
import { parseWav, parseWavHeader } from '../../../streams/audio/wav.ts';
import type { Detection, PcmChunk } from '../../../streams/types.ts';
import { createClipWriter } from '../../../server/clips/clip-writer.ts';
import { ChunkRing, toPcm16 } from '../../../server/clips/ring-buffer.ts';
import { tone } from '../../helpers/signals.ts';

const SR = 48_000;
const T0 = Date.UTC(2026, 10, 24, 6, 0, 0);
const tmp: string[] = [];
afterAll(() => { for (const d of tmp) rmSync(d, { recursive: true, force: true }); });

/** x cut into 100 ms chunks starting at T0. */
function chunksOf(x: Float32Array): PcmChunk[] {
  const n = SR / 10;
  const out: PcmChunk[] = [];
  for (let k = 0; k * n < x.length; k++) {
    out.push({ station: 'lab', sampleRate: SR, samples: x.subarray(k * n, Math.min(x.length, (k + 1) * n)), t0: T0 + k * 100, seq: k });
  }
  return out;
}

const det = (startS: number, endS: number): Detection => ({
  id: `d${startS}`, station: 'lab', species: 'orca', confidence: 0.9, model: 'm', start: T0 + startS * 1000, end: T0 + endS * 1000,
});

/** The clip's 16-bit sample values, read straight from the file's data (no float scaling in between). */
function clipInts(bytes: Uint8Array): Int16Array {
  const wav = parseWav(bytes);
  expect(parseWavHeader({ size: bytes.length, read: (o, n) => bytes.subarray(o, o + n) }, 'clip').bitsPerSample).toBe(16);
  // The reader scales by 1/32768: multiplying back gives the integers exactly.
  return Int16Array.from(wav.channels[0], (v) => Math.round(v * 32768));
}

async function writeClip(x: Float32Array, d: Detection): Promise<Uint8Array> {
  const root = mkdtempSync(join(tmpdir(), 'hydromon-ring-'));
  tmp.push(root);
  const w = createClipWriter({ root, preRollS: 0.5, postRollS: 0.5 });
  for (const c of chunksOf(x)) w.pushChunk(c);
  const out = await w.addDetection(d);
  expect(out.clip).toBeDefined();
  return readFileSync(join(root, out.clip!));
}

describe('ChunkRing (16-bit storage)', () => {
  it('a clip written from the 16-bit ring matches a 0.8-amplitude tone within 16-bit quantisation, byte-identical to encoding the float source', async () => {
    const amp = 0.8;
    const x = tone(1000, 4, SR, amp, Math.PI / 2); // every 48th sample sits on a crest
    const bytes = await writeClip(x, det(1, 2)); // clip = [0.5 s, 2.5 s)
    const v = clipInts(bytes);
    expect(v.length).toBe(2 * SR);
    const from = 0.5 * SR;
    let maxErr = 0;
    let peak = 0;
    for (let i = 0; i < v.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(v[i] - x[from + i] * 32767));
      peak = Math.max(peak, Math.abs(v[i]));
    }
    expect(maxErr).toBeLessThanOrEqual(0.5 + 1e-3); // rounding to the nearest step, nothing more
    expect(peak).toBeGreaterThan(amp * 32767 - 2); // the amplitude is kept (no rescaling)
    expect(peak).toBeLessThanOrEqual(Math.round(amp * 32767));
    // Nothing a 16-bit clip keeps is lost: the same bytes as encoding the float source directly.
    expect(Buffer.from(bytes).equals(Buffer.from(encodeWav(x.subarray(from, from + 2 * SR), SR, { format: 'pcm16' })))).toBe(true);
  });

  it('values beyond ±1 are clipped to ±32767, never wrapped', async () => {
    const x = tone(440, 3, SR, 1.5);
    const v = clipInts(await writeClip(x, det(1, 1.5)));
    const from = 0.5 * SR;
    let atMax = 0;
    let atMin = 0;
    for (let i = 0; i < v.length; i++) {
      const s = x[from + i];
      if (s >= 1) { expect(v[i]).toBe(32767); atMax++; }
      else if (s <= -1) { expect(v[i]).toBe(-32767); atMin++; }
      else expect(Math.abs(v[i] - s * 32767)).toBeLessThanOrEqual(0.5 + 1e-3);
    }
    // A third of each period of a 1.5-amplitude sine is past ±1: the saturation really happened.
    expect(atMax).toBeGreaterThan(v.length / 8);
    expect(atMin).toBeGreaterThan(v.length / 8);
    expect(Array.from(toPcm16(Float32Array.of(1e9, -1e9, Number.NaN, 1.00002, -0.5)))).toEqual([32767, -32767, 0, 32767, -16384]);
  });

  it('keeps half the bytes of float32, copies chunks (does not pin the source buffer) and drops audio past keepMs', () => {
    const ring = new ChunkRing(1000);
    const block = tone(200, 3, SR, 0.5);
    for (const c of chunksOf(block)) ring.push(c);
    expect(ring.length).toBe(11 * (SR / 10)); // the chunk that straddles the horizon stays
    expect(ring.end).toBe(T0 + 3000);
    block.fill(0); // the source reuses its buffer: the ring's copy is unaffected
    const s = ring.slice(T0 + 2500, T0 + 2600)!;
    expect(s.coverage).toBe(1);
    expect(Math.max(...s.samples.map(Math.abs))).toBeGreaterThan(0.49);
    // The float32 ring (for float32 clips) stays exact.
    const f = new ChunkRing(1000, 'float32');
    const y = tone(200, 1, SR, 0.123456789);
    for (const c of chunksOf(y)) f.push(c);
    expect(Array.from(f.slice(T0, T0 + 1000)!.samples)).toEqual(Array.from(y));
  });
});
