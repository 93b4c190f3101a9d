// Every predictor the FLAC decoder has a loop for, one file each, as ffmpeg encodes them: LPC
// orders 1..32 (1..12 have unrolled loops, 13..32 the generic one), FIXED orders 0..4 and Rice
// partition orders 0..8, at 16 and 24 bits, mono and with a side channel. Each must decode to
// exactly the samples of the WAV it was made from.
import { describe, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseFlac } from '../../../streams/audio/flac.ts';
import { parseWav } from '../../../streams/audio/wav.ts';
import { chirp, concat, gain, mix, noise, tone, writeWav } from '../../helpers/signals.ts';
import { expectSameChannels } from './same-channels.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'flac-orders-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const sr = 16000;
// Tones and a chirp over noise: LPC wins over FIXED and VERBATIM, so the forced order is used.
// The loud part drives 24-bit predictions far past 32 bits (15-bit coefficients × 24-bit samples).
const left = concat(mix(tone(440, 0.25, sr, 0.3), chirp(200, 5000, 0.25, sr, 0.3), noise(0.25, sr, 0.01, 3)), gain(mix(tone(900, 0.25, sr, 0.45), tone(2500, 0.25, sr, 0.45), noise(0.25, sr, 0.02, 4)), 1));
const right = concat(mix(tone(445, 0.25, sr, 0.3), noise(0.25, sr, 0.01, 5)), mix(tone(1800, 0.25, sr, 0.5), noise(0.25, sr, 0.01, 6)));

/** One WAV, encoded once per variant by a single ffmpeg process. */
function encode(name: string, channels: Float32Array[], format: 'pcm16' | 'pcm24', variants: string[][]): { wav: string; flacs: string[] } {
  const wav = writeWav(join(dir, `${name}.wav`), channels, sr, format);
  const fmt = format === 'pcm24' ? ['-sample_fmt', 's32'] : [];
  const flacs = variants.map((_, k) => join(dir, `${name}-${k}.flac`));
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, ...variants.flatMap((v, k) => ['-c:a', 'flac', ...fmt, '-frame_size', '1024', ...v, flacs[k]])]);
  return { wav, flacs };
}

function expectExact(flac: string, wav: string): void {
  expectSameChannels(parseFlac(readFileSync(flac), flac).channels, parseWav(readFileSync(wav), wav).channels);
}

const lpcOrders = Array.from({ length: 32 }, (_, k) => k + 1);
const lpc = lpcOrders.map((k) => ['-lpc_type', 'levinson', '-min_prediction_order', `${k}`, '-max_prediction_order', `${k}`]);
const fixedOrders = [0, 1, 2, 3, 4];
const fixed = fixedOrders.map((k) => ['-lpc_type', 'fixed', '-min_prediction_order', `${k}`, '-max_prediction_order', `${k}`]);
const partOrders = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const parts = partOrders.map((k) => ['-min_partition_order', `${k}`, '-max_partition_order', `${k}`]);

for (const format of ['pcm16', 'pcm24'] as const) {
  describe(`FLAC ${format}: every predictor order decodes exactly`, () => {
    let mono: { wav: string; flacs: string[] };
    let stereo: { wav: string; flacs: string[] };
    beforeAll(() => {
      mono = encode(`mono-${format}`, [left], format, [...lpc, ...fixed, ...parts]);
      // left/side: the side channel has one bit more than the samples
      stereo = encode(`stereo-${format}`, [left, right], format, [...lpc, ...fixed].map((v) => [...v, '-ch_mode', 'left_side']));
    });
    it('LPC orders 1..32, mono and left/side', () => {
      lpcOrders.forEach((_, k) => {
        expectExact(mono.flacs[k], mono.wav);
        expectExact(stereo.flacs[k], stereo.wav);
      });
    });
    it('FIXED orders 0..4, mono and left/side', () => {
      fixedOrders.forEach((_, k) => {
        expectExact(mono.flacs[lpc.length + k], mono.wav);
        expectExact(stereo.flacs[lpc.length + k], stereo.wav);
      });
    });
    it('Rice partition orders 0..8', () => {
      partOrders.forEach((_, k) => expectExact(mono.flacs[lpc.length + fixed.length + k], mono.wav));
    });
  });
}
