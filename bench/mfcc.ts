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
import { defaultFeatureConfig, featureConfigAt } from '../models/feature-config.ts';
import type { PcmChunk } from '../streams/types.ts';

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
    [48000, 32000],
    [44100, 32000],
    [16000, 32000],
    [44100, 22050],
    [166600, 16000],
    [166600, 32000],
    [2000, 16000],
    [2000, 32000],
  ] as const) {
    const y = signal(a * 30, a);
    const ms = time(() => {
      // streamed in 0.1 s chunks, as a live source delivers them
      const r = new Resampler(a, b);
      const step = Math.round(a / 10);
      for (let i = 0; i < y.length; i += step) r.push(y.subarray(i, i + step));
    }, 3);
    put(out, `resample_${a / 1000}k_${b / 1000}k_xrt`, 30000 / ms, '× real time');
  }

  // The live path with the shipped FeatureConfig (models/feature-config.ts; 32 kHz analysis rate):
  // 48 kHz chunks → resampleTo → melFrames (the stream's STFT, once), then fixedFeatures per window.
  const cfg = defaultFeatureConfig;
  const chunkN = 4800;
  const chunks: PcmChunk[] = [];
  for (let i = 0, k = 0; i < x.length; i += chunkN, k++) chunks.push({ station: 'b', sampleRate: sr, samples: x.subarray(i, i + chunkN), t0: (i * 1000) / sr, seq: k });
  const opMs = await timeAsync(async () => {
    await lastValueFrom(from(chunks).pipe(resampleTo(cfg.sampleRate), melFrames(cfg)));
  });
  put(out, 'analysis_48k_resample_mel_xrt', (seconds * 1000) / opMs, '× real time');

  const ya = resample(x.subarray(0, sr * 10), sr, cfg.sampleRate);
  const melOpts = { nFft: cfg.nFft, hop: cfg.hop, nMels: cfg.nMels, fmin: cfg.fmin, fmax: cfg.fmax, padMode: cfg.padMode };
  const ma = melPowerFrames(ya, cfg.sampleRate, melOpts);
  const perWin = Math.floor((2 * cfg.sampleRate) / cfg.hop);
  const w2 = { samples: ya.subarray(0, 2 * cfg.sampleRate), sampleRate: cfg.sampleRate, mel: { data: ma.data.subarray(0, perWin * cfg.nMels), count: perWin, nMels: cfg.nMels, hop: cfg.hop } };
  const reps = 500;
  const poolMs = time(() => {
    for (let i = 0; i < reps; i++) fixedFeatures(w2, cfg);
  });
  put(out, 'features_2s_window_with_mel_us', (poolMs * 1000) / reps, 'µs');
  // the same window with the envelope-rhythm row (models trained with --rhythm, the shipped 32 kHz one)
  const rhythmCfg = featureConfigAt(cfg.sampleRate, true);
  const rhythmMs = time(() => {
    for (let i = 0; i < reps; i++) fixedFeatures(w2, rhythmCfg);
  });
  put(out, 'features_2s_window_with_mel_rhythm_us', (rhythmMs * 1000) / reps, 'µs');
  const songMs = time(() => void fixedFeatures({ samples: ya, sampleRate: cfg.sampleRate }, cfg), 3);
  put(out, 'features_10s_song_own_stft_ms', songMs, 'ms');
  const click = { samples: ya.subarray(0, Math.round(0.05 * cfg.sampleRate)), sampleRate: cfg.sampleRate };
  const clickMs = time(() => {
    for (let i = 0; i < reps; i++) fixedFeatures(click, cfg);
  });
  put(out, 'features_click_adaptive_us', (clickMs * 1000) / reps, 'µs');
  const rawMs = time(() => {
    for (let i = 0; i < 50; i++) fixedFeatures({ samples: x.subarray(0, 2 * sr), sampleRate: sr }, cfg);
  }, 3);
  put(out, 'features_2s_48k_window_resampled_us', (rawMs * 1000) / 50, 'µs');

  // per second of 48 kHz audio: the analysis stage plus one 2 s window (sliding windows, 1 s hop)
  const perSecondMs = 1000 / out.analysis_48k_resample_mel_xrt + out.features_2s_window_with_mel_us / 1000;
  put(out, 'path_48k_windows_mfcc_xrt', 1000 / perSecondMs, '× real time');
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  console.log(JSON.stringify(r, null, 2));
  const w = Math.max(...Object.keys(r).map((k) => k.length));
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(w)}  ${v >= 100 ? v.toFixed(0) : v.toFixed(2)}  ${units[k]}`);
}
