// Shared by the fault tests and the station benches (bench/latency.ts, capacity.ts, memory.ts):
// a generated recording with periodic tone bursts, the level threshold that tells a burst window
// from a quiet one, and a monitor config of N stations replaying it. Everything has a known
// answer: with the default shape (4 s period, 1 s tone at 1–2 s) and 2 s windows every 1 s,
// the windows [k·4, k·4+2) and [k·4+1, k·4+3) hold the burst, so a station detects two windows
// per 4 s of audio and no others.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, type Config } from '../../config/schema.ts';
import { defaultFeatureConfig } from '../../models/feature-config.ts';
import { fixedFeatures } from '../../streams/dsp/adaptive.ts';
import { initDsp } from '../../streams/dsp/fft.ts';
import type { FeatureConfig } from '../../streams/types.ts';
import { levelClassifier } from '../helpers/level-classifier.ts';
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

/** Mean MFCC c0 between a quiet 2 s window and a half-burst one: the level classifier's threshold. */
export async function burstThreshold(shape: BurstShape = DEFAULT_SHAPE, cfg: FeatureConfig = defaultFeatureConfig): Promise<number> {
  await initDsp();
  const sr = shape.sampleRate;
  const sig = burstSignal(shape);
  const c0 = (x: Float32Array): number => {
    const f = fixedFeatures({ samples: x, sampleRate: sr }, cfg);
    let s = 0;
    for (let t = 0; t < cfg.frames; t++) s += f[t * cfg.nMfcc];
    return s / cfg.frames;
  };
  const quietAt = shape.burstAtS + shape.burstS; // right after the burst, 2 s of noise when period ≥ burst end + 2
  const quiet = c0(sig.subarray(Math.round(quietAt * sr), Math.round((quietAt + 2) * sr)));
  const half = c0(sig.subarray(Math.round((shape.burstAtS - 1) * sr), Math.round((shape.burstAtS + 1) * sr)));
  return (quiet + half) / 2;
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
