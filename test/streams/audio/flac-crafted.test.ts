// FLAC codes encoders rarely write, in files made bit by bit (flac-craft.ts): every Rice
// parameter up to the maximum of each method, escaped partitions of 0..31 raw bits, unary runs of
// thousands of bits, empty first partitions, LPC orders 1..32 with sums far past 32 bits, 32-bit
// samples and their 33-bit side channels. The decoder must return the integer samples exactly,
// agree with ffmpeg's decoder on the same bytes, and — cut anywhere inside a frame — ask for
// more bytes rather than fail or decode something else.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseFlac, parseFlacHeader } from '../../../streams/audio/flac.ts';
import { bufferSource } from '../../../streams/audio/byte-source.ts';
import { NEED_MORE } from '../../../streams/audio/flac-bits.ts';
import { decodeFrame } from '../../../streams/audio/flac-frame.ts';
import { rng } from '../../helpers/signals.ts';
import { craftFlac, type Frame, type Part } from './flac-craft.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'flac-crafted-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

/** Integer samples per channel, frame by frame through decodeFrame (no float conversion). */
function decodeInts(bytes: Uint8Array): number[][] {
  const h = parseFlacHeader(bufferSource(bytes), 'crafted.flac');
  const scratch = Array.from({ length: h.channels }, () => new Float64Array(h.maxBlockSize));
  const out: number[][] = Array.from({ length: h.channels }, () => []);
  for (let pos = h.firstFrame; pos < bytes.length;) {
    const fr = decodeFrame(bytes, pos, bytes.length, h, scratch);
    for (let c = 0; c < h.channels; c++) for (let i = 0; i < fr.blockSize; i++) out[c].push(scratch[c][i]);
    pos = fr.end;
  }
  return out;
}

/** ffmpeg's decode of the same bytes, as integers of the stream's width. */
function ffmpegInts(bytes: Uint8Array, bps: number, channels: number): number[][] {
  const path = join(dir, 'x.flac');
  writeFileSync(path, bytes);
  const raw = new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 's32le', '-'], { maxBuffer: 1 << 28 }));
  const s32 = new Int32Array(raw.buffer, raw.byteOffset, raw.length >> 2);
  const out: number[][] = Array.from({ length: channels }, () => []);
  // ffmpeg left-justifies narrower samples in 32 bits
  for (let i = 0; i < s32.length; i++) out[i % channels].push(s32[i] / 2 ** (32 - bps));
  return out;
}

function firstDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Exact against the source, ffmpeg and the float output; every truncation asks for more. */
function check(frames: Frame[], bps: number, opts: { ffmpeg?: boolean; cuts?: boolean } = {}): void {
  const bytes = craftFlac({ sampleRate: 16000, bitsPerSample: bps, frames });
  const want = frames[0].channels.map((_, c) => frames.flatMap((f) => f.channels[c]));
  const got = decodeInts(bytes);
  want.forEach((w, c) => expect(firstDiff(got[c], w), `channel ${c}: first sample that differs from the source`).toBe(-1));
  if (opts.ffmpeg !== false) {
    const ff = ffmpegInts(bytes, bps, want.length);
    want.forEach((w, c) => expect(firstDiff(ff[c], w), `channel ${c}: ffmpeg disagrees with the source (bad test file)`).toBe(-1));
  }
  const floats = parseFlac(bytes).channels;
  want.forEach((w, c) => {
    const scaled = w.map((v) => Math.fround(v / 2 ** (bps - 1)));
    expect(firstDiff(Array.from(floats[c]), scaled), `channel ${c}: float output`).toBe(-1);
  });
  if (opts.cuts !== false) {
    // Cut the first frame short: each cut must throw NEED_MORE. Every byte of a small frame;
    // of a large one, ~1500 spread cuts and every byte near both ends.
    const h = parseFlacHeader(bufferSource(bytes), 'crafted.flac');
    const scratch = Array.from({ length: h.channels }, () => new Float64Array(h.maxBlockSize));
    const start = h.firstFrame;
    const end = decodeFrame(bytes, start, bytes.length, h, scratch).end;
    const stride = Math.max(1, Math.floor((end - start) / 1500));
    for (let cut = start; cut < end; cut += cut - start < 64 || end - cut <= 64 ? 1 : stride) {
      let thrown: unknown = null;
      try { decodeFrame(bytes.subarray(0, cut), h.firstFrame, cut, h, scratch); } catch (e) { thrown = e; }
      if (thrown !== NEED_MORE) throw new Error(`frame cut at byte ${cut} of ${end}: ${String(thrown)} instead of NEED_MORE`);
    }
  }
}

/** n samples of uniform noise in [−amp, amp] (integers). */
function noiseInts(n: number, amp: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.floor(r() * (2 * amp + 1)) - amp);
}

/** A smooth signal of amplitude amp: LPC predicts it well, yet every sample is large. */
function waveInts(n: number, amp: number, seed: number): number[] {
  const r = rng(seed);
  const f1 = 0.01 + 0.05 * r(), f2 = 0.1 + 0.2 * r();
  return Array.from({ length: n }, (_, i) => Math.round(amp * (0.7 * Math.sin(f1 * i) + 0.25 * Math.sin(f2 * i + 1)) + (r() - 0.5) * amp * 0.01));
}

describe('FLAC crafted streams: Rice parameters, escapes, partitions', () => {
  it('4-bit Rice: every parameter 0..14 and escapes of 0, 1, 5, 16 and 17 raw bits', () => {
    // FIXED order 0, so each residual is its sample: 32 partitions of 64, each shaped for its code.
    const parts: Part[] = [{ raw: 0 }, { raw: 1 }, { raw: 5 }, { raw: 16 }, { raw: 17 }];
    const x: number[] = [...new Array(64).fill(0), ...noiseInts(64, 1, 1).map((v) => Math.min(v, 0)), ...noiseInts(64, 16, 2).map((v) => Math.min(v, 15)), ...noiseInts(64, 32767, 3), ...noiseInts(64, 32767, 4)];
    for (let p = 0; p <= 14; p++) { parts.push(p); x.push(...noiseInts(64, 2 ** p + 3, 10 + p)); }
    for (const p of [14, 0, 13, 1, 12, 2, 11, 3, 10, 4, 9, 5]) { parts.push(p); x.push(...noiseInts(64, 40, 40 + p)); } // ill-fitting ones
    check([{ channels: [x], subframes: [{ type: 'fixed', order: 0, residual: { method: 0, partOrder: 5, parts } }] }], 16);
  });

  it('5-bit Rice: parameters up to 30 (the maximum), escapes of 31 raw bits', () => {
    // 32-bit samples with LPC: residuals reach 2^30, so parameters 25..30 are the fitting ones.
    const x = waveInts(1024, 2 ** 30, 5).map((v, i) => (i % 3 ? v : v + 2 ** 28 * (i % 2 ? 1 : -1)));
    const parts: Part[] = [30, 29, 28, 27, 26, 25, 24, 22, 20, 30, 27, { raw: 31 }, 30, { raw: 31 }, 26, 30];
    check([{ channels: [x], subframes: [{ type: 'fixed', order: 1, residual: { method: 1, partOrder: 4, parts } }] }], 32);
  });

  it('unary runs of thousands of bits (parameter 0 and small parameters on big residuals)', () => {
    const x = [...noiseInts(128, 3000, 6), ...noiseInts(128, 60000, 7), ...noiseInts(128, 1, 8), ...noiseInts(128, 200, 9)];
    check([{ channels: [x], subframes: [{ type: 'fixed', order: 0, residual: { method: 1, partOrder: 2, parts: [0, 3, 0, 1] } }] }], 24);
    check([{ channels: [x.slice(0, 256)], subframes: [{ type: 'fixed', order: 0, residual: { method: 0, partOrder: 1, parts: [1, 4] } }] }], 24);
  });

  it('partition orders up to 8, first partitions left empty by the warm-up', () => {
    const x = waveInts(256, 20000, 11);
    const frames: Frame[] = [
      // 8 partitions of 32, warm-up 32: the first partition holds no residual at all
      { channels: [x], subframes: [{ type: 'lpc', coefs: Array.from({ length: 32 }, (_, j) => (j ? -200 >> (j >> 3) : 4000)), precision: 15, shift: 12, residual: { method: 0, partOrder: 3 } }] },
      // 64 partitions of 4 after a FIXED order 4 warm-up; 256 partitions of 1 after order 1
      { channels: [x], subframes: [{ type: 'fixed', order: 4, residual: { method: 0, partOrder: 6 } }] },
      { channels: [x], subframes: [{ type: 'fixed', order: 1, residual: { method: 1, partOrder: 8 } }] },
      { channels: [x], subframes: [{ type: 'lpc', coefs: [7000, -3000], precision: 14, shift: 12, residual: { method: 1, partOrder: 7 } }] },
    ];
    check(frames, 16);
  });
});

describe('FLAC crafted streams: predictors and sample widths', () => {
  /** Order-k coefficients that predict a smooth signal (a binomial extrapolation, damped). */
  function coefs(k: number, precision: number, shift: number, seed: number): number[] {
    const r = rng(seed);
    const lim = 2 ** (precision - 1) - 1;
    return Array.from({ length: k }, (_, j) => Math.max(-lim, Math.min(lim, Math.round(2 ** shift * (j === 0 ? 1.6 : j === 1 ? -0.7 : 0.02 * (r() - 0.5))))));
  }

  it('LPC orders 1..32 at 24 bits, 15-bit coefficients: prediction sums far beyond 32 bits', () => {
    const frames: Frame[] = [];
    for (let k = 1; k <= 32; k++) {
      const c = coefs(k, 15, 13, k); // the first is 1.6·2^13: 14 bits of magnitude
      frames.push({ channels: [waveInts(512, 2 ** 23 - 2 ** 21, 100 + k)], subframes: [{ type: 'lpc', coefs: c, precision: 15, shift: 13, residual: { method: 1, partOrder: 2 } }] });
    }
    check(frames, 24, { cuts: false });
  });

  it('LPC orders 1..32 at 32 bits (samples within ±2^30 so residuals fit 32 bits)', () => {
    const frames: Frame[] = [];
    for (let k = 1; k <= 32; k++) {
      frames.push({ channels: [waveInts(256, 2 ** 29, 200 + k)], subframes: [{ type: 'lpc', coefs: coefs(k, 12, 10, 300 + k), precision: 12, shift: 10, residual: { method: 1, partOrder: 0 } }] });
    }
    check(frames, 32, { cuts: false });
  });

  it('32-bit stereo: 33-bit side channels, VERBATIM and LPC, every stereo mode', () => {
    const l = noiseInts(192, 2 ** 31 - 1, 21).map((v, i) => (i === 7 ? -(2 ** 31) : v));
    const r = noiseInts(192, 2 ** 31 - 1, 22).map((v, i) => (i === 7 ? 2 ** 31 - 1 : v));
    const sl = waveInts(192, 2 ** 30, 23), sr = waveInts(192, 2 ** 30, 24).map((v) => -v);
    const frames: Frame[] = (['independent', 'left-side', 'right-side', 'mid-side'] as const).flatMap((mode) => [
      { channels: [l, r], mode, subframes: [{ type: 'verbatim' }, { type: 'verbatim' }] },
      { channels: [sl, sr], mode, subframes: [0, 1].map(() => ({ type: 'lpc', coefs: [3, -1], precision: 4, shift: 1, residual: { method: 1, partOrder: 1 } })) },
    ] as Frame[]);
    check(frames, 32, { ffmpeg: false }); // ffmpeg 5.1: 33-bit side channels "not yet implemented"
  });

  it('wasted bits under LPC and FIXED, 8-bit and 12-bit samples', () => {
    const x24 = waveInts(384, 2 ** 19, 31).map((v) => v * 16);
    check([{ channels: [x24], wasted: [4], subframes: [{ type: 'lpc', coefs: [6000, -2400, 120], precision: 14, shift: 12, residual: { method: 0, partOrder: 1 } }] }], 24);
    const x8 = waveInts(256, 120, 32);
    check([{ channels: [x8], subframes: [{ type: 'lpc', coefs: [13, -6, 1], precision: 6, shift: 3, residual: { method: 0, partOrder: 2 } }] }], 8);
    const x12 = waveInts(256, 2000, 33);
    check([{ channels: [x12], subframes: [{ type: 'fixed', order: 3, residual: { method: 0, partOrder: 3 } }] }], 12);
  });

  it('corrupt yet CRC-valid: samples past ±2^33 send LPC and FIXED to the reference loops, then "out of range"', () => {
    // Residuals that lead to samples of 2^36: no legal stream has them, but the frame decoder
    // must still return what the in-order loops compute (here exact), and the reader refuse it.
    const x = waveInts(256, 2 ** 30, 41).map((v, i) => (i === 100 ? 2 ** 36 : i === 101 ? -(2 ** 36) + 5 : v));
    const frames: Frame[] = [
      { channels: [x], subframes: [{ type: 'lpc', coefs: [900, -400, 20], precision: 11, shift: 9, residual: { method: 1, partOrder: 1 } }] },
      { channels: [x], subframes: [{ type: 'fixed', order: 2, residual: { method: 1, partOrder: 0 } }] },
    ];
    const bytes = craftFlac({ sampleRate: 16000, bitsPerSample: 32, frames });
    const got = decodeInts(bytes)[0];
    expect(firstDiff(got, [...x, ...x])).toBe(-1);
    expect(() => parseFlac(bytes)).toThrow(/out of range/);
  });
});
