// A classifier folder's plain files, read without tfjs: labels.json, feature-config.json,
// classifier.json (see model-io.ts for the whole format), and the layers of model.json +
// weights.bin as fold.ts reads them. The onnxruntime path loads a model from these alone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureConfig } from '../streams/types.ts';
import type { LayerView } from './fold.ts';

export interface ClassifierMeta {
  readonly name: string;
  readonly arch: string;
  /** Below this top probability a prediction is 'unknown'. */
  readonly threshold: number;
  /** Per-coefficient mean and std of the training features (length nMfcc). */
  readonly norm: { readonly mean: number[]; readonly std: number[] };
  readonly params: number;
  readonly trainedAt: string;
  readonly command: string;
  readonly seed: number;
  /** The training features went through the noise gate (absent in older folders = no). */
  readonly noiseGate?: boolean;
}

export function readJson<T>(path: string): T {
  if (!existsSync(path)) throw new Error(`model folder: ${path} is missing`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new Error(`model folder: ${path} is not valid JSON (${(err as Error).message})`);
  }
}

export interface FolderMeta {
  readonly labels: string[];
  readonly featureConfig: FeatureConfig;
  readonly meta: ClassifierMeta;
}

export function readFolderMeta(dir: string): FolderMeta {
  return {
    labels: readJson<string[]>(join(dir, 'labels.json')),
    featureConfig: readJson<FeatureConfig>(join(dir, 'feature-config.json')),
    meta: readJson<ClassifierMeta>(join(dir, 'classifier.json')),
  };
}

/** The weight files a model.json lists, in order, as one buffer (a missing file names itself). */
export function readWeightBytes(dir: string, paths: readonly string[]): Buffer {
  return Buffer.concat(paths.map((p) => {
    try {
      return readFileSync(join(dir, p));
    } catch (err) {
      throw new Error(`model folder ${dir}: cannot read weights file ${p} (${(err as Error).message})`);
    }
  }));
}

interface WeightSpec { readonly name: string; readonly shape: number[]; readonly dtype?: string; readonly quantization?: unknown }
interface LayerJson { readonly class_name: string; readonly config: Record<string, unknown> }
interface ModelJson {
  readonly modelTopology?: { readonly class_name?: string; readonly config?: { readonly layers?: LayerJson[] } | LayerJson[]; readonly model_config?: { readonly config?: { readonly layers?: LayerJson[] } } };
  readonly weightsManifest?: { readonly paths: string[]; readonly weights: WeightSpec[] }[];
}

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
/** Within a layer, weights in the order tfjs's getWeights() gives them (the manifest lists trainable ones first). */
const ORDER: Record<string, number> = { kernel: 0, gamma: 0, bias: 1, beta: 1, moving_mean: 2, moving_variance: 3 };

/**
 * The layers of a saved tfjs layers model (model.json + its weight files), or null when the file
 * holds something this reader does not follow (quantised or non-float32 weights, an unknown
 * topology shape): the caller then loads the model through tfjs, which reads everything.
 */
export function readSavedLayers(dir: string): LayerView[] | null {
  const json = readJson<ModelJson>(join(dir, 'model.json'));
  const topo = json.modelTopology;
  const cfg = topo?.model_config?.config ?? topo?.config;
  const layers = Array.isArray(cfg) ? cfg : cfg?.layers;
  const groups = json.weightsManifest;
  if (!layers || !groups) return null;
  const specs = groups.flatMap((g) => g.weights);
  if (specs.some((s) => (s.dtype ?? 'float32') !== 'float32' || s.quantization !== undefined)) return null;
  const all = readWeightBytes(dir, groups.flatMap((g) => g.paths));
  const byLayer = new Map<string, { suffix: string; data: Float32Array; shape: number[] }[]>();
  let off = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (off + 4 * n > all.length) throw new Error(`model folder ${dir}: weights.bin holds ${all.length} bytes, the manifest needs more (at ${s.name})`);
    // a copy, aligned: the file's bytes need not start on a 4-byte boundary
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(all.subarray(off, off + 4 * n));
    off += 4 * n;
    const slash = s.name.lastIndexOf('/');
    const layer = s.name.slice(0, slash), suffix = s.name.slice(slash + 1);
    if (!byLayer.has(layer)) byLayer.set(layer, []);
    byLayer.get(layer)!.push({ suffix, data, shape: s.shape });
  }
  return layers.map((l) => {
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(l.config)) config[camel(k)] = v;
    const ws = [...(byLayer.get(String(l.config.name)) ?? [])].sort((a, b) => (ORDER[a.suffix] ?? 9) - (ORDER[b.suffix] ?? 9));
    return { className: l.class_name, config, weights: ws.map((w) => ({ data: w.data, shape: w.shape })) };
  });
}
