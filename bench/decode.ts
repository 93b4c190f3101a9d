// How fast archived recordings decode, per container: ten minutes of 48 kHz mono (tones over
// noise, made here) as WAV and FLAC (in-process) and as MP3 and Ogg Vorbis (through ffmpeg),
// read block by block the way an archive replay reads them. Figures are seconds of audio per
// second of wall time. Run: node --import tsx bench/decode.ts (or npm run bench -- decode).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openAudioStream } from '../streams/audio/read.ts';
import { encodeWav } from '../streams/audio/wav-write.ts';
import { ffmpegBinary } from '../streams/audio/ffmpeg-process.ts';

export const units: Record<string, string> = {
  wav_x_realtime: '× real time (48 kHz mono, 16-bit)',
  flac_x_realtime: '× real time (48 kHz mono, 16-bit)',
  mp3_x_realtime: '× real time (48 kHz mono, 128 kb/s, ffmpeg)',
  ogg_x_realtime: '× real time (48 kHz mono, Vorbis q4, ffmpeg)',
};
export const runs = 3;

const SR = 48000, SECONDS = 600;

function signal(): Float32Array {
  let s = 1;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
  return Float32Array.from({ length: SR * SECONDS }, (_, i) => 0.2 * Math.sin((2 * Math.PI * (300 + (i % SR) / 100) * i) / SR) + 0.05 * rnd());
}

/** Seconds of audio decoded per wall second, reading 4096-frame blocks into one buffer. */
async function rate(path: string): Promise<number> {
  const t = performance.now();
  const s = await openAudioStream(path);
  const into = [new Float32Array(4096)];
  let frames = 0;
  try {
    for (let b = await s.read(4096, into); b; b = await s.read(4096, into)) frames += b[0].length;
  } finally {
    await s.close();
  }
  const wall = (performance.now() - t) / 1000;
  if (Math.abs(frames / SR - SECONDS) > 1) throw new Error(`bench decode: ${path} gave ${frames / SR} s, not ${SECONDS} s`);
  return frames / SR / wall;
}

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'hydromon-bench-decode-'));
  try {
    const wav = join(dir, 'a.wav');
    writeFileSync(wav, encodeWav([signal()], SR, { format: 'pcm16' }));
    const ff = ffmpegBinary();
    const make = (out: string, args: string[]): string => {
      execFileSync(ff, ['-v', 'error', '-y', '-i', wav, ...args, join(dir, out)]);
      return join(dir, out);
    };
    const flac = make('a.flac', ['-c:a', 'flac']);
    const mp3 = make('a.mp3', ['-c:a', 'libmp3lame', '-b:a', '128k']);
    const ogg = make('a.ogg', ['-c:a', 'libvorbis', '-q:a', '4']);
    return { wav_x_realtime: await rate(wav), flac_x_realtime: await rate(flac), mp3_x_realtime: await rate(mp3), ogg_x_realtime: await rate(ogg) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  process.stdout.write(`${JSON.stringify(r)}\n`);
  for (const [k, v] of Object.entries(r)) process.stdout.write(`${k.padEnd(18)} ${v.toFixed(0).padStart(8)} ${units[k]}\n`);
}
