// Archive throughput, stage by stage: one stretch of 48 kHz mono through resample → mel frames →
// windows → fixed-size MFCC → classify, on one core. Figures are × real time (audio seconds per
// CPU second) of the whole pipeline and of each prefix of it, so each stage's share shows as the
// difference. Decoding is measured on a real WAV file written first (streams/audio).
// Timings are CPU time of this process (process.cpuUsage: the machine is shared, and CPU time is
// what "× real time on one core" means), the MEDIAN of BENCH_PIPELINE_REPS (default 7) passes after
// one warm-up pass, over BENCH_PIPELINE_S (default 600) s of audio. The two headline figures also
// give their fastest and slowest pass (…_lo, …_hi), so one run shows its own spread; bench/run.ts
// adds the spread across runs. analysis_x is the analysis path alone (resample → mel → windows →
// MFCC), without decode or the classifier. The headline, replay_x, is the figure: one hour
// (BENCH_REPLAY_S, default 3600) of 48 kHz mono as `hydromon replay --speed max --store` runs it —
// decode → windows → MFCC → classify → detections into the embedded store — in BENCH_REPLAY_REPS
// (default 3) passes after a warm-up; the stages are timed on the shorter stretch.
import { count, lastValueFrom, toArray, from, map, mergeMap, tap } from 'rxjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir, loadWindowClassifier } from '../models/classifier.ts';
import type { FeatureConfig } from '../streams/types.ts';
import { initDsp } from '../streams/dsp/fft.ts';
import { fixedFeatures } from '../streams/dsp/adaptive.ts';
import { cutWindows } from '../streams/operators/cut.ts';
import { melFrames } from '../streams/operators/mel-frames.ts';
import { resampleTo } from '../streams/operators/resample.ts';
import type { PcmChunk } from '../streams/types.ts';
import { chunksOf } from '../test/helpers/chunks.ts';
import { mix, noise, placeAt, chirp, writeWav } from '../test/helpers/signals.ts';
import { archiveSource } from '../streams/sources/archive.ts';
import { stationPipeline } from '../streams/station.ts';
import { openStore } from '../server/store/open.ts';
import { ffmpegBinary } from '../streams/audio/ffmpeg-process.ts';

export const units: Record<string, string> = {
  decode_x: '× real time',
  resample_x: '× real time',
  mel_x: '× real time',
  windows_x: '× real time',
  features_x: '× real time',
  analysis_x: '× real time',
  classify_x: '× real time',
  pipeline_x: '× real time',
  decode_windows_mfcc_x: '× real time (target ≥ 1000)',
  decode_windows_mfcc_x_lo: '× real time, slowest pass of the run',
  decode_windows_mfcc_x_hi: '× real time, fastest pass of the run',
  replay_x: '× real time, one hour: decode → windows → MFCC → classify → store (target ≥ 1000)',
  replay_detections: 'detections stored per replay pass',
  replay_x_lo: '× real time, slowest pass of the run',
  replay_x_hi: '× real time, fastest pass of the run',
  replay_flac_x: '× real time, the same hour replayed from FLAC (CPU time, the decoder worker\'s included; needs ffmpeg to encode it)',
  replay_wall_x: '× real time in wall time, the WAV replay',
  replay_flac_wall_x: '× real time in wall time, the FLAC replay (its decoder worker on a second core)',
  replay_flac_detections: 'detections stored per FLAC replay pass (lossless: the same as replay_detections)',
  windows: 'windows per run',
  us_per_frame: 'µs per 48 kHz hop-512 frame',
};
export const runs = 3;

// The shipped model by default, HYDROMON_MODEL=<model dir> another one; each with the feature
// config it was trained at (models/hydromon-tcn: 32 kHz with the rhythm row; hydromon-tcn-16k: 16 kHz).
const modelDir = process.env.HYDROMON_MODEL ?? defaultModelDir();
const cfg: FeatureConfig = JSON.parse(readFileSync(join(modelDir, 'feature-config.json'), 'utf8')) as FeatureConfig;

const SR = 48_000;
const SECONDS = Number(process.env.BENCH_PIPELINE_S) || 600;

/** The bench's test audio at 48 kHz: noise with a 2–9 kHz chirp every 17 s (bench/compare.ts uses it too). */
export function signal(seconds = SECONDS): Float32Array {
  const base = noise(seconds, SR, 0.01, 3);
  for (let t = 5; t < seconds - 5; t += 17) base.set(mix(base.subarray(t * SR, (t + 2) * SR), placeAt(chirp(2000, 9000, 1, SR, 0.2), 0.5, 2, SR)), t * SR);
  return base;
}

let cached: { sig: Float32Array; chunks: PcmChunk[]; wav: string; hourWav: string; hourFlac: string | null; dir: string } | null = null;

/** The hour as FLAC (ffmpeg's default compression), or null where ffmpeg is missing. */
function encodeFlac(wav: string): string | null {
  const flac = wav.replace(/\.wav$/, '.flac');
  try {
    execFileSync(ffmpegBinary(), ['-v', 'error', '-y', '-i', wav, '-c:a', 'flac', flac]);
    return flac;
  } catch (err) {
    process.stderr.write(`bench pipeline: FLAC replay not measured (${(err as Error).message.split('\n')[0]})\n`);
    return null;
  }
}

const REPS = Math.max(1, Number(process.env.BENCH_PIPELINE_REPS) || 7);
const REPLAY_S = Number(process.env.BENCH_REPLAY_S) || 3600;
const REPLAY_REPS = Math.max(1, Number(process.env.BENCH_REPLAY_REPS) || 3);

function cpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

interface Timing {
  /** Median CPU seconds of the passes. */
  readonly s: number;
  readonly min: number;
  readonly max: number;
  readonly all: readonly number[];
  /** Median wall seconds of the same passes (a FLAC replay's decoder worker runs on another core). */
  readonly wallS: number;
}

function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** CPU seconds of `reps` passes after one warm-up pass (the JIT compiles during the first). */
async function timeIt(f: () => Promise<unknown>, reps = REPS): Promise<Timing> {
  (globalThis as { gc?: () => void }).gc?.(); // the previous stage's garbage is not this one's
  await f();
  const all: number[] = [], wall: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = cpuS(), w = performance.now();
    await f();
    all.push(cpuS() - t);
    wall.push((performance.now() - w) / 1000);
  }
  return { s: median(all), min: Math.min(...all), max: Math.max(...all), all, wallS: median(wall) };
}

export async function run(): Promise<Record<string, number>> {
  await initDsp();
  if (!cached) {
    const sig = signal();
    const dir = mkdtempSync(join(tmpdir(), 'hm-bench-'));
    const wav = join(dir, 'bench.wav');
    writeWav(wav, sig, SR, 'pcm16');
    const hourWav = REPLAY_S === SECONDS ? wav : join(dir, 'hour.wav');
    if (hourWav !== wav) writeWav(hourWav, signal(REPLAY_S), SR, 'pcm16');
    cached = { sig, chunks: chunksOf(sig, SR, { t0: 0, chunkS: 10 }), wav, hourWav, hourFlac: encodeFlac(hourWav), dir };
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const { chunks, wav, hourWav, hourFlac, dir } = cached;
  // Decoding as replay does it: the archive source at speed max (block-wise reads, chunks, every
  // block decoded into the same recycled buffers — replay feeds stationPipeline, which copies what
  // it keeps). Counted, not collected: the pipeline lets go of each chunk once analysed, and
  // holding 300 s of chunks would time the garbage collector instead of the decoder.
  const decode = await timeIt(() => lastValueFrom(archiveSource({ station: 'bench', path: wav, speed: 'max', recycle: true }).pipe(count())));
  const resample = await timeIt(() => lastValueFrom(from(chunks).pipe(resampleTo(cfg.sampleRate), count())));
  const mel = await timeIt(() => lastValueFrom(from(chunks).pipe(resampleTo(cfg.sampleRate), melFrames(cfg), count())));
  const cut = { sliding: { durationS: 2, hopS: 1 } } as const;
  const windows = await timeIt(() => lastValueFrom(from(chunks).pipe(resampleTo(cfg.sampleRate), melFrames(cfg), cutWindows(cut), count())));
  let nWin = 0;
  const features = await timeIt(() =>
    lastValueFrom(
      from(chunks).pipe(
        resampleTo(cfg.sampleRate),
        melFrames(cfg),
        cutWindows(cut),
        mergeMap((ws) => ws),
        map((w) => {
          nWin++;
          return fixedFeatures(w, cfg);
        }),
        count(),
      ),
    ),
  );
  let classify: Timing | null = null;
  let replay: Timing | null = null;
  let replayFlac: Timing | null = null;
  let wavDetections = 0, flacDetections = 0;
  let nDet = 0;
  try {
    const model = await loadWindowClassifier(modelDir);
    const feats = await lastValueFrom(from(chunks).pipe(resampleTo(cfg.sampleRate), melFrames(cfg), cutWindows(cut), mergeMap((ws) => ws), map((w) => fixedFeatures(w, cfg)), toArray()));
    classify = await timeIt(async () => {
      for (let i = 0; i < feats.length; i += 32) model.predictBatch(feats.slice(i, i + 32));
    });
    // Everything `hydromon replay --speed max --store` does: decode → … → classify → detections
    // into the embedded store, handed over as they come (the store batches and fsyncs them) and
    // flushed by close() at the end of the pass. Counted, not collected (see decoding above).
    let pass = 0;
    const replayPass = (path: string) => async () => {
      nDet = 0;
      const store = openStore({ dataDir: join(dir, `store-${pass++}`) });
      const writes: Promise<void>[] = [];
      await lastValueFrom(
        stationPipeline({
          station: 'bench',
          source: (ctx) => archiveSource({ station: ctx.station, path, speed: 'max', report: ctx.report, recycle: true }),
          featureConfig: cfg,
          sliding: { durationS: 2, hopS: 1 },
          model,
          restart: false,
          statusEveryMs: 3_600_000,
        }).pipe(
          tap((e) => {
            if (e.type !== 'detection') return;
            nDet++;
            writes.push(store.writeDetections([e.detection]));
          }),
          count(),
        ),
      );
      await Promise.all(writes);
      await store.close();
    };
    replay = await timeIt(replayPass(hourWav), REPLAY_REPS);
    wavDetections = nDet;
    // The same hour from FLAC: the in-process decoder on the replay's thread (lossless, so the
    // same detections: replay_flac_detections says whether it was).
    if (hourFlac) {
      replayFlac = await timeIt(replayPass(hourFlac), REPLAY_REPS);
      flacDetections = nDet;
    }
    model.dispose?.();
  } catch (err) {
    process.stderr.write(`bench pipeline: no model (${(err as Error).message.slice(0, 120)}); classify not measured\n`);
  }
  const total = decode.s + features.s + (classify ? classify.s : 0);
  const x = (s: number): number => SECONDS / s;
  // decode + analysis per pass: the passes of the two stages paired in order
  const dwm = decode.all.map((d, i) => d + features.all[i]);
  const nan = Number.NaN;
  return {
    decode_x: x(decode.s),
    resample_x: x(resample.s),
    mel_x: x(mel.s),
    windows_x: x(windows.s),
    features_x: x(features.s),
    analysis_x: x(features.s),
    classify_x: classify ? x(classify.s) : nan,
    pipeline_x: x(total),
    // Issue target: decode, windows and MFCC on one core (classification apart).
    decode_windows_mfcc_x: x(decode.s + features.s),
    decode_windows_mfcc_x_lo: x(Math.max(...dwm)),
    decode_windows_mfcc_x_hi: x(Math.min(...dwm)),
    replay_x: replay ? REPLAY_S / replay.s : nan,
    replay_x_lo: replay ? REPLAY_S / replay.max : nan,
    replay_x_hi: replay ? REPLAY_S / replay.min : nan,
    replay_detections: replay ? wavDetections : nan,
    replay_flac_x: replayFlac ? REPLAY_S / replayFlac.s : nan,
    replay_wall_x: replay ? REPLAY_S / replay.wallS : nan,
    replay_flac_wall_x: replayFlac ? REPLAY_S / replayFlac.wallS : nan,
    replay_flac_detections: replayFlac ? flacDetections : nan,
    us_per_frame: (total * 1e6) / ((SECONDS * SR) / 512),
    windows: nWin / (REPS + 1),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
