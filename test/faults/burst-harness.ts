// Shared by the fault tests and the station benches (bench/latency.ts, capacity.ts, memory.ts):
// a generated recording with periodic tone bursts, the level threshold that tells a burst window
// from a quiet one, and a monitor config of N stations replaying it. Everything has a known
// answer: with the default shape (4 s period, 1 s tone at 1–2 s) and 2 s windows every 1 s,
// the windows [k·4, k·4+2) and [k·4+1, k·4+3) hold the burst, so a station detects two windows
// per 4 s of audio and no others.
import { mkdirSync } from 'node:fs';
import { from, lastValueFrom, mergeMap, toArray } from 'rxjs';
import { join } from 'node:path';
import { configSchema, type Config } from '../../config/schema.ts';
import { defaultFeatureConfig } from '../../models/feature-config.ts';
import { fixedFeatures } from '../../streams/dsp/adaptive.ts';
import { initDsp } from '../../streams/dsp/fft.ts';
import { cutWindows } from '../../streams/operators/cut.ts';
import { melFrames } from '../../streams/operators/mel-frames.ts';
import { resampleTo } from '../../streams/operators/resample.ts';
import type { FeatureConfig } from '../../streams/types.ts';
import { chunksOf } from '../helpers/chunks.ts';
import { featuresC0, levelClassifier } from '../helpers/level-classifier.ts';
import { mix, noise, placeAt, tone, writeWav } from '../helpers/signals.ts';

export interface BurstShape {
  readonly sampleRate: number;
  /** Length of the file, seconds (a whole number of periods). */
  readonly seconds: number;
  /** One burst per period, seconds. */
  readonly periodS: number;
  /** Burst offset inside its period and length, seconds. */
  readonly burstAtS: number;
  readonly burstS: number;
}

export const DEFAULT_SHAPE: BurstShape = { sampleRate: 48_000, seconds: 8, periodS: 4, burstAtS: 1, burstS: 1 };

export function burstSignal(shape: BurstShape = DEFAULT_SHAPE): Float32Array {
  const { sampleRate: sr, seconds } = shape;
  let sig = noise(seconds, sr, 0.001, 7);
  for (let t = 0; t + shape.periodS <= seconds + 1e-9; t += shape.periodS) {
    sig = mix(sig, placeAt(tone(1000, shape.burstS, sr, 0.3), t + shape.burstAtS, seconds, sr));
  }
  return sig;
}

/** Writes the recording as <dir>/REC_20240101_000000.wav (the name carries its start time). */
export function writeBurstWav(dir: string, shape: BurstShape = DEFAULT_SHAPE): string {
  mkdirSync(dir, { recursive: true });
  return writeWav(join(dir, 'REC_20240101_000000.wav'), burstSignal(shape), shape.sampleRate);
}

/** 2024-01-01T00:00:00Z, the start time in the file name. */
export const BURST_T0 = Date.UTC(2024, 0, 1);

/**
 * Mean MFCC c0 halfway between the loudest quiet window and the quietest burst window, as the
 * station pipeline computes them: views over the stream's own STFT, whose edge frames reach 32 ms
 * past a window (a quiet window right after a burst hears its tail). Windows cut alone would
 * differ, and at an analysis rate above the file's (empty top bands sit at max − top_db) by far.
 */
export async function burstThreshold(shape: BurstShape = DEFAULT_SHAPE, cfg: FeatureConfig = defaultFeatureConfig): Promise<number> {
  await initDsp();
  const sr = shape.sampleRate;
  const sig = burstSignal(shape);
  const windows = await lastValueFrom(
    from(chunksOf(sig, sr, { t0: 0, chunkS: 1 })).pipe(resampleTo(cfg.sampleRate), melFrames(cfg), cutWindows({ sliding: { durationS: 2, hopS: 1 } }), mergeMap((ws) => ws), toArray()),
  );
  const burst = new Set(expectedWindows(shape.seconds, shape).map(([a]) => a));
  let quiet = -Infinity;
  let loud = Infinity;
  for (const w of windows) {
    const c = featuresC0(fixedFeatures(w, cfg), cfg);
    if (burst.has(w.start)) loud = Math.min(loud, c);
    else quiet = Math.max(quiet, c);
  }
  if (!(loud > quiet)) throw new Error(`burst harness: burst windows (c0 ≥ ${loud}) do not stand above quiet ones (≤ ${quiet})`);
  return (quiet + loud) / 2;
}

export async function burstClassifier(shape: BurstShape = DEFAULT_SHAPE): Promise<ReturnType<typeof levelClassifier>> {
  return levelClassifier(defaultFeatureConfig, await burstThreshold(shape));
}

export interface StationsConfigOptions {
  readonly n: number;
  readonly source: string;
  readonly speed: number | 'max';
  readonly loop?: boolean;
  readonly prefix?: string;
  readonly clips?: false | { readonly dir: string; readonly preRollS?: number; readonly postRollS?: number };
}

export function stationsConfig(o: StationsConfigOptions): Config {
  const stations = Array.from({ length: o.n }, (_, i) => ({
    id: `${o.prefix ?? 'st'}${String(i).padStart(3, '0')}`,
    source: o.source,
    speed: o.speed,
    loop: o.loop ?? false,
  }));
  return configSchema.parse({ stations, clips: o.clips ?? false, alerts: { log: false } });
}

/** Detection windows the default shape yields over `seconds` of audio: [start, end) in ms after BURST_T0. */
export function expectedWindows(seconds: number, shape: BurstShape = DEFAULT_SHAPE): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p + shape.periodS <= seconds + 1e-9; p += shape.periodS) {
    for (const s of [shape.burstAtS - 1, shape.burstAtS]) {
      if (s >= 0 && s + 2 <= seconds) out.push([(p + s) * 1000, (p + s + 2) * 1000]);
    }
  }
  return out;
}

export async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
