// Saving and loading a classifier folder: tfjs layers format (model.json + weights.bin) plus
// labels.json, feature-config.json and classifier.json (threshold, input normalisation, metadata).
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureConfig } from '../streams/types.ts';
import { readFolderMeta, readJson, readWeightBytes, type ClassifierMeta } from './model-folder.ts';
// Registers the custom layers (TimeMeanNormalization) so saved models using them load.
import './architectures.ts';

export type { ClassifierMeta } from './model-folder.ts';

export interface SavedModel {
  readonly model: tf.LayersModel;
  readonly labels: string[];
  readonly featureConfig: FeatureConfig;
  readonly meta: ClassifierMeta;
}

function concatBuffers(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  if (!Array.isArray(data)) return data;
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const b of data) { out.set(new Uint8Array(b), off); off += b.byteLength; }
  return out.buffer;
}

export async function saveClassifier(dir: string, s: SavedModel): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await s.model.save(tf.io.withSaveHandler(async (art) => {
    if (!art.weightData || !art.weightSpecs) throw new Error('model has no weights to save');
    const json = {
      modelTopology: art.modelTopology,
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: null,
      weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'weights.bin'), Buffer.from(concatBuffers(art.weightData as ArrayBuffer | ArrayBuffer[])));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  writeFileSync(join(dir, 'labels.json'), JSON.stringify(s.labels, null, 1) + '\n');
  writeFileSync(join(dir, 'feature-config.json'), JSON.stringify(s.featureConfig, null, 2) + '\n');
  writeFileSync(join(dir, 'classifier.json'), JSON.stringify(s.meta, null, 2) + '\n');
}

export async function loadSaved(dir: string): Promise<SavedModel> {
  const json = readJson<{ modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] }>(join(dir, 'model.json'));
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const all = readWeightBytes(dir, json.weightsManifest.flatMap((g) => g.paths));
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer;
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
  const { labels, featureConfig, meta } = readFolderMeta(dir);
  const outUnits = (model.outputs[0].shape as (number | null)[]).at(-1);
  if (outUnits !== labels.length) throw new Error(`model folder ${dir}: ${labels.length} labels but the model has ${outUnits} outputs`);
  return { model, labels, featureConfig, meta };
}
