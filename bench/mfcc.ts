// Speed of the feature path (not a test): `node --import tsx bench/mfcc.ts` prints JSON and a table;
// `npm run bench -- mfcc` collects run(). Figures are × real time for 48 kHz mono audio (librosa
// defaults: n_fft 2048, hop 512, 128 mels, 60 MFCC) unless named otherwise, on one core.
import { from, lastValueFrom } from 'rxjs';
import { pathToFileURL } from 'node:url';
import { fixedFeatures } from '../streams/dsp/adaptive.ts';
import { dctFrames } from '../streams/dsp/dct.ts';
import { powerToDb } from '../streams/dsp/db.ts';
import { createRealFft, initDsp } from '../streams/dsp/fft.ts';
import { melPowerFrames, mfcc } from '../streams/dsp/mfcc.ts';
import { resample, Resampler } from '../streams/dsp/resample.ts';
import { melFrames } from '../streams/operators/mel-frames.ts';
import { resampleTo } from '../streams/operators/resample.ts';
import type { FeatureConfig, PcmChunk } from '../streams/types.ts';

export const units: Record<string, string> = {};

function signal(n: number, sr: number): Float32Array {
  const x = new Float32Array(n);
  let s = 1;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    x[i] = 0.1 * (s / 2 ** 32 - 0.5) + 0.3 * Math.sin((2 * Math.PI * 3000 * i) / sr);
  }
  return x;
}

// Timings are CPU time of this process (process.cpuUsage), not wall time: the benchmark machine is
// shared, and CPU time is what "× real time on one core" means. Best of `reps` runs, in ms.
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function time(fn: () => void, reps = 5): number {
  fn(); // warm up the JIT
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = cpuMs();
    fn();
    best = Math.min(best, cpuMs() - t);
  }
  return best;
}

async function timeAsync(fn: () => Promise<void>, reps = 3): Promise<number> {
  await fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = cpuMs();
    await fn();
    best = Math.min(best, cpuMs() - t);
  }
  return best;
}

function put(out: Record<string, number>, key: string, value: number, unit: string): void {
  out[key] = value;
  units[key] = unit;
}

export async function run(): Promise<Record<string, number>> {
  const backend = await initDsp();
  const out: Record<string, number> = {};
  const sr = 48000;
  const seconds = 20;
  const x = signal(sr * seconds, sr);
  const framesPerS = sr / 512;

  // FFT alone (2048-point real, power spectrum)
  for (const be of ['auto', 'js'] as const) {
    const f = createRealFft(2048, { backend: be });
    const buf = signal(2048, sr);
    const p = new Float32Array(1025);
    const n = be === 'js' ? 5000 : 50000;
    const ms = time(() => {
      for (let i = 0; i < n; i++) f.power(buf, p);
    });
    const us = (ms * 1000) / n;
    const tag = be === 'auto' ? backend : 'js';
    put(out, `fft2048_${tag}_us`, us, 'µs');
    put(out, `fft2048_${tag}_xrt`, 1e6 / (us * framesPerS), '× real time');
  }

  // STFT + mel (mel power frames)
  const melMs = time(() => void melPowerFrames(x, sr), 3);
  const frames = 1 + Math.floor(x.length / 512);
  put(out, 'mel_frames_xrt', (seconds * 1000) / melMs, '× real time');
  put(out, 'mel_frame_us', (melMs * 1000) / frames, 'µs');

  // dB + DCT
  const mel = melPowerFrames(x, sr);
  const dbMs = time(() => {
    const d = powerToDb(mel.data.slice());
    dctFrames(d, mel.frames, 128, 60);
  });
  put(out, 'db_dct_xrt', (seconds * 1000) / dbMs, '× real time');
  put(out, 'db_dct_frame_us', (dbMs * 1000) / frames, 'µs');

  // whole-signal MFCC
  const mfccMs = time(() => void mfcc(x, sr), 3);
  put(out, 'mfcc_whole_xrt', (seconds * 1000) / mfccMs, '× real time');

  // resampling
  for (const [a, b] of [
    [48000, 16000],
    [44100, 22050],
    [166600, 16000],
    [2000, 16000],
  ] as const) {
    const y = signal(a * 5, a);
    const ms = time(() => {
      const r = new Resampler(a, b);
      r.push(y);
    }, 3);
    put(out, `resample_${a / 1000}k_${b / 1000}k_xrt`, 5000 / ms, '× real time');
  }

  // the analysis stage as operators: 48 kHz chunks → resampleTo(16 kHz) → melFrames
  const cfg: FeatureConfig = { sampleRate: 16000, nFft: 2048, hop: 512, nMels: 128, nMfcc: 60, fmin: 0, fmax: 8000, frames: 64, center: true, padMode: 'reflect', topDb: 80 };
  const chunkN = 4800;
  const chunks: PcmChunk[] = [];
  for (let i = 0, k = 0; i < x.length; i += chunkN, k++) chunks.push({ station: 'b', sampleRate: sr, samples: x.subarray(i, i + chunkN), t0: (i * 1000) / sr, seq: k });
  const opMs = await timeAsync(async () => {
    await lastValueFrom(from(chunks).pipe(resampleTo(16000), melFrames(cfg)));
  });
  put(out, 'analysis_48k_to_16k_mel_xrt', (seconds * 1000) / opMs, '× real time');

  // fixedFeatures per window at 16 kHz: a 2 s window with its stream mel view, a 10 s song
  // computing its own frames, and a 0.05 s click (adaptive hop)
  const y16 = resample(x.subarray(0, sr * 10), sr, 16000);
  const m16 = melPowerFrames(y16, 16000, { nFft: 2048, hop: 512, nMels: 128, fmax: 8000 });
  const w2 = { samples: y16.subarray(0, 32000), sampleRate: 16000, mel: { data: m16.data.subarray(0, 63 * 128), count: 63, nMels: 128, hop: 512 } };
  const short = cfg.frames > 63 ? { ...cfg, frames: 32 } : cfg;
  const reps = 500;
  const poolMs = time(() => {
    for (let i = 0; i < reps; i++) fixedFeatures(w2, short);
  });
  put(out, 'features_2s_window_with_mel_us', (poolMs * 1000) / reps, 'µs');
  const songMs = time(() => void fixedFeatures({ samples: y16, sampleRate: 16000 }, cfg), 3);
  put(out, 'features_10s_song_ms', songMs, 'ms');
  const click = { samples: y16.subarray(0, 800), sampleRate: 16000 };
  const clickMs = time(() => {
    for (let i = 0; i < reps; i++) fixedFeatures(click, cfg);
  });
  put(out, 'features_click_adaptive_us', (clickMs * 1000) / reps, 'µs');

  // the feature path of a 48 kHz stream with 2 s windows every 1 s, per second of audio
  const perSecondMs = 1000 / out.analysis_48k_to_16k_mel_xrt + out.features_2s_window_with_mel_us / 1000;
  put(out, 'path_48k_windows_mfcc_xrt', 1000 / perSecondMs, '× real time');
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  console.log(JSON.stringify(r, null, 2));
  const w = Math.max(...Object.keys(r).map((k) => k.length));
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(w)}  ${v >= 100 ? v.toFixed(0) : v.toFixed(2)}  ${units[k]}`);
}
