// Turns clips and continuous recordings into training/validation examples: one fixedFeatures
// matrix (T × nMfcc) and a label each. Training examples are augmented (see augment.ts); every
// example is reproducible from (seed, source file) and cached on disk under data/cache/features,
// so re-training does not recompute MFCCs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { featureLength } from '../streams/dsp/adaptive.ts';
import type { FeatureConfig } from '../streams/types.ts';
import { readMono, toRate, type MonoAudio } from './audio.ts';
import { augmentWave, embed, timeMask, type NoiseSource } from './augment.ts';
import type { ContinuousRecording } from './annotations.ts';
import { featuresOf } from './features.ts';
import type { Clip } from './manifest.ts';
import type { SeaNoiseKind } from './sea-noise.ts';
import { projectRoot } from './paths.ts';
import { hash32, seededRandom, uniform } from './random.ts';

export const BACKGROUND = 'background';
/** Bump when example generation changes, so stale caches are not reused. */
const DATASET_VERSION = 4; // 4: augmentation seeded by manifest-relative path / file name

export interface Example {
  readonly x: Float32Array;
  readonly label: string;
  /** The file the example was cut from. */
  readonly source: string;
  /** A clip's sliding-window view (the clip embedded in noise or cropped), not the whole clip. */
  readonly clipWindow?: boolean;
}

export interface DatasetOptions {
  readonly cfg: FeatureConfig;
  readonly seed: number;
  /** Augmented variants per training clip (one whole-clip event view, the rest sliding windows). */
  readonly variantsPerClip: number;
  /** Sliding-window length of the live pipeline, seconds. */
  readonly windowS: number;
  /** Windows per annotated call, and background windows per minute of recording. */
  readonly windowsPerCall: number;
  readonly backgroundPerMinute: number;
  /** Share of training clip views band-limited to a random slower recorder's Nyquist (default 0.35). */
  readonly pBandLimit?: number;
  /** Share of noise draws (calls embedded or mixed in noise) taken from synthetic sea noise (sea-noise.ts withSeaNoise); default 0. */
  readonly seaNoiseMix?: number;
  /** Which sea-noise kinds the mix and the background examples draw from (default all). */
  readonly seaNoiseKinds?: readonly SeaNoiseKind[];
  readonly cacheDir?: string;
}

export const defaultDatasetOptions = (cfg: FeatureConfig, seed = 1): DatasetOptions => ({
  cfg, seed, variantsPerClip: 8, windowS: 2, windowsPerCall: 12, backgroundPerMinute: 12,
});

const defaultCacheDir = join(projectRoot, 'data', 'cache', 'features');

interface CacheEntry { labels: string[]; n: number; dim: number }

function cacheKey(path: string, role: string, o: DatasetOptions, extra: unknown): string {
  const st = statSync(path);
  const h = createHash('sha1');
  h.update(JSON.stringify({ v: DATASET_VERSION, path: resolve(path), size: st.size, mtime: st.mtimeMs, role, cfg: o.cfg, seed: o.seed, v1: o.variantsPerClip, w: o.windowS, c: o.windowsPerCall, b: o.backgroundPerMinute, pb: o.pBandLimit ?? 0.35, ...(o.seaNoiseMix ? { sm2: o.seaNoiseMix, sk: o.seaNoiseKinds ?? 'all' } : {}), extra }));
  return h.digest('hex');
}

async function cached(path: string, role: string, o: DatasetOptions, extra: unknown, make: () => Promise<{ xs: Float32Array[]; labels: string[] }>): Promise<Example[]> {
  const dir = o.cacheDir ?? defaultCacheDir;
  const key = cacheKey(path, role, o, extra);
  const bin = join(dir, `${key}.bin`), meta = join(dir, `${key}.json`);
  const dim = featureLength(o.cfg);
  const hit = readCacheEntry(bin, meta, dim);
  if (hit) return hit.labels.map((label, i) => ({ x: hit.all.slice(i * dim, (i + 1) * dim), label, source: path }));
  const { xs, labels } = await make();
  mkdirSync(dir, { recursive: true });
  const all = new Float32Array(xs.length * dim);
  xs.forEach((x, i) => all.set(x, i * dim));
  // Two trainings (paired-runs --jobs 2) can build the same entry at once: each writes its own
  // temporary file and renames it into place, so a reader sees a whole file or none.
  writeAtomic(bin, Buffer.from(all.buffer));
  writeAtomic(meta, JSON.stringify({ labels, n: xs.length, dim } satisfies CacheEntry));
  return xs.map((x, i) => ({ x, label: labels[i], source: path }));
}

/** A whole cache entry, or null: missing, or unreadable (as a cache written by an older build could be) is a miss. */
function readCacheEntry(bin: string, meta: string, dim: number): { labels: string[]; all: Float32Array } | null {
  if (!existsSync(bin) || !existsSync(meta)) return null;
  try {
    const m = JSON.parse(readFileSync(meta, 'utf8')) as CacheEntry;
    const buf = readFileSync(bin);
    if (m.dim !== dim || !Array.isArray(m.labels) || m.labels.length !== m.n || buf.length !== m.n * dim * 4) return null;
    return { labels: m.labels, all: new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)) };
  } catch {
    return null;
  }
}

let tmpCount = 0;
function writeAtomic(path: string, data: string | Buffer): void {
  // pid + counter, not Math.random: training seeds Math.random, and a cache write must not move it.
  const tmp = `${path}.${process.pid}.${tmpCount++}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Real ocean noise cut from background recordings (native rate, resampled per draw). */
export function noiseSourceFrom(recordings: readonly MonoAudio[], sr: number): NoiseSource {
  return (n, r, bandRate) => {
    if (recordings.length === 0) return null;
    const rec = recordings[Math.floor(r() * recordings.length)];
    const need = Math.ceil((n * rec.sampleRate) / sr) + 64;
    if (rec.samples.length <= need) return null;
    const off = Math.floor(r() * (rec.samples.length - need));
    const cut = rec.samples.subarray(off, off + need);
    // through the slower recorder's rate when it is below the recording's own
    const y = bandRate !== undefined && bandRate < rec.sampleRate ? toRate(toRate(cut, rec.sampleRate, bandRate), bandRate, sr) : toRate(cut, rec.sampleRate, sr);
    return y.length >= n ? y.subarray(0, n) : null;
  };
}

/** Validation view of a clip: the whole clip, as an energy event would present it. */
export async function clipExample(clip: Clip, cfg: FeatureConfig): Promise<Example> {
  const a = await readMono(clip.path);
  if (a.samples.length === 0) throw new Error(`${clip.path}: no samples`);
  return { x: featuresOf(a.samples, a.sampleRate, cfg), label: clip.species, source: clip.path };
}

/** Training views of one clip: the whole clip plus sliding-window views, all augmented. */
export async function clipTrainExamples(clip: Clip, o: DatasetOptions, noise: NoiseSource): Promise<Example[]> {
  const views = await cached(clip.path, `train:${clip.species}:${clip.key}`, o, null, async () => {
    const a = await readMono(clip.path);
    if (a.samples.length === 0) throw new Error(`${clip.path}: no samples`);
    const sr = o.cfg.sampleRate;
    const x = toRate(a.samples, a.sampleRate, sr);
    const r = seededRandom(o.seed ^ hash32(clip.key));
    const aug = { sampleRate: sr, noise, pBandLimit: o.pBandLimit ?? 0.35, pNoise: 0.6 };
    const xs: Float32Array[] = [];
    for (let v = 0; v < o.variantsPerClip; v++) {
      let w: Float32Array;
      if (isWholeView(v)) w = x; // whole clip: the energy-event view
      else {
        // a sliding window: the clip at a random place in noise, or a random crop of a long clip
        const len = Math.round(o.windowS * uniform(r, 0.75, 1.5) * sr);
        w = embed(x, len, r, noise, uniform(r, 3, 30));
      }
      const f = featuresOf(augmentWave(w, r, aug), sr, o.cfg);
      xs.push(r() < 0.3 ? timeMask(f, o.cfg.frames, o.cfg.nMfcc, r) : f);
    }
    return { xs, labels: xs.map(() => clip.species) };
  });
  return views.map((e, v) => (isWholeView(v) ? e : { ...e, clipWindow: true }));
}

/** Which of a clip's training views is the whole clip (the rest are sliding windows). */
const isWholeView = (v: number): boolean => v % 4 === 0;

function overlapsCall(t0: number, t1: number, rec: ContinuousRecording, marginS: number): boolean {
  return rec.calls.some((c) => t0 < c.endS + marginS && t1 > c.startS - marginS);
}

/**
 * Windows of a continuous recording: around each annotated call (labelled with its species) and
 * from call-free stretches (labelled background). `augment` adds gain/noise jitter for training.
 */
export async function continuousExamples(rec: ContinuousRecording, o: DatasetOptions, augment: boolean, noise: NoiseSource): Promise<Example[]> {
  return cached(rec.path, `cont:${rec.species ?? BACKGROUND}:${augment}`, o, rec.calls, async () => {
    const a = await readMono(rec.path);
    const sr = a.sampleRate;
    const dur = a.samples.length / sr;
    const r = seededRandom(o.seed ^ hash32(basename(rec.path)) ^ (augment ? 0x55 : 0)); // by file name, as --holdout names it
    const aug = { sampleRate: o.cfg.sampleRate, noise, pBandLimit: 0, pNoise: 0.3 };
    const xs: Float32Array[] = [];
    const labels: string[] = [];
    const push = (t0: number, t1: number, label: string): void => {
      const s = Math.max(0, Math.floor(t0 * sr)), e = Math.min(a.samples.length, Math.ceil(t1 * sr));
      if (e - s < 8) return;
      let w = toRate(a.samples.slice(s, e), sr, o.cfg.sampleRate);
      if (augment) w = augmentWave(w, r, aug);
      xs.push(featuresOf(w, o.cfg.sampleRate, o.cfg));
      labels.push(label);
    };
    const W = o.windowS;
    if (rec.species) {
      const n = augment ? o.windowsPerCall : 3;
      for (const c of rec.calls) {
        const mid = (c.startS + c.endS) / 2;
        for (let k = 0; k < n; k++) {
          if (k % 4 === 0) {
            // the energy-event view: the call with a little margin
            push(c.startS - uniform(r, 0, 0.3), c.endS + uniform(r, 0, 0.3), rec.species);
          } else {
            // a sliding window with the call's centre in its middle half
            const t0 = mid - W * uniform(r, 0.25, 0.75);
            push(t0, t0 + W, rec.species);
          }
        }
      }
    }
    const nBg = Math.round((dur / 60) * (augment ? o.backgroundPerMinute : 4));
    let tries = 0;
    while (labels.filter((l) => l === BACKGROUND).length < nBg && tries++ < nBg * 20) {
      const len = r() < 0.7 ? W : uniform(r, 0.1, 5);
      const t0 = uniform(r, 0, Math.max(0, dur - len));
      if (overlapsCall(t0, t0 + len, rec, 1)) continue;
      push(t0, t0 + len, BACKGROUND);
    }
    return { xs, labels };
  });
}
