// `hydromon features <file> --json`: the MFCC of a whole file at its own sample rate, with
// librosa's defaults (n_fft 2048, hop 512, 128 Slaney mels, power_to_db top_db 80, DCT-II ortho,
// 60 coefficients), for checking the feature path against librosa or feeding other tools.
// Multi-channel files are averaged to mono first, as librosa.load does.
import type { Command } from 'commander';
import { readAudioFile } from '../../../streams/audio/read.ts';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { mfcc } from '../../../streams/dsp/mfcc.ts';

function posInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function toMono(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const n = channels[0]?.length ?? 0;
  const out = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] += ch[i];
  const inv = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] *= inv;
  return out;
}

export function register(program: Command): void {
  program
    .command('features')
    .description("print the MFCC of a whole file at its own sample rate (librosa's defaults, 60 coefficients)")
    .argument('<file>', 'an audio file (WAV, FLAC, or any format ffmpeg reads: MP3, Ogg, M4A, AIFF, …)')
    .option('--json', 'print one JSON object: sample_rate, n_fft, hop_length, n_mels, n_mfcc, pad_mode, mfcc (frames × n_mfcc)')
    .option('--n-fft <n>', 'FFT size', '2048')
    .option('--hop <n>', 'hop length in samples', '512')
    .option('--n-mels <n>', 'mel bands', '128')
    .option('--n-mfcc <n>', 'coefficients per frame', '60')
    .option('--pad <mode>', 'edge padding of the centred frames: reflect (librosa < 0.10) or constant (librosa ≥ 0.10)', 'reflect')
    .action(async (file: string, o: Record<string, string | boolean | undefined>) => {
      const nFft = posInt('n-fft', String(o.nFft));
      const hop = posInt('hop', String(o.hop));
      const nMels = posInt('n-mels', String(o.nMels));
      const nMfcc = posInt('n-mfcc', String(o.nMfcc));
      const pad = String(o.pad);
      if (pad !== 'reflect' && pad !== 'constant') throw new Error(`--pad must be reflect or constant, got ${JSON.stringify(pad)}`);
      if (nMfcc > nMels) throw new Error(`--n-mfcc (${nMfcc}) cannot exceed --n-mels (${nMels})`);
      await initDsp();
      const audio = await readAudioFile(file);
      const x = toMono(audio.channels);
      if (x.length === 0) throw new Error(`${file}: no samples`);
      const r = mfcc(x, audio.sampleRate, { nFft, hop, nMels, nMfcc, padMode: pad });
      const frames: number[][] = [];
      for (let f = 0; f < r.frames; f++) frames.push(Array.from(r.data.subarray(f * nMfcc, (f + 1) * nMfcc)));
      if (o.json) {
        const out = { sample_rate: audio.sampleRate, n_fft: nFft, hop_length: hop, n_mels: nMels, n_mfcc: nMfcc, pad_mode: pad, frames: r.frames, mfcc: frames };
        process.stdout.write(`${JSON.stringify(out)}\n`);
      } else {
        process.stdout.write(`${file}: ${audio.sampleRate} Hz, ${audio.durationS.toFixed(3)} s → ${r.frames} frames × ${nMfcc} MFCC (n_fft ${nFft}, hop ${hop}, ${nMels} mels, ${pad} padding)\n`);
        const show = Math.min(r.frames, 3);
        for (let f = 0; f < show; f++) process.stdout.write(`  frame ${f}: ${frames[f].slice(0, 6).map((v) => v.toFixed(3)).join(' ')} …\n`);
      }
    });
}
