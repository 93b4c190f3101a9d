// How closely saved models follow an ensemble on the tape-disjoint validation clips of one split:
// for each model, the share of clips where its top class is the ensemble's, and its accuracy.
// A distilled student should follow its teachers' ensemble more closely than one teacher does.
//   node --import tsx scripts/distill-fidelity.ts <split seed> <ensemble dir+dir+…> <model dir> …
// Needs the shared data (HYDROMON_DATA, default ../shared/data). Whole-clip views, as evaluate,
// classify and scripts/aggregation-study.ts's "whole clip (current)" rule score them.
import { join, resolve } from 'node:path';
import { initDsp } from '../streams/dsp/fft.ts';
import { readMono } from '../models/audio.ts';
import { loadClassifier } from '../models/classifier.ts';
import { argmaxOf } from '../models/clip-aggregate.ts';
import { featuresOf } from '../models/features.ts';
import { readManifests } from '../models/manifest.ts';
import { dataRoot } from '../models/paths.ts';
import { groupSplit } from '../models/split.ts';

const data = dataRoot();
const manifests = [join(data, 'watkins', 'manifest.csv'), join(data, 'killer-whale-srkw', 'manifest.csv')];

/** Whole-clip probabilities of one model folder on the given clips' features. */
async function probsOf(dir: string, feats: readonly Float32Array[]): Promise<{ labels: readonly string[]; probs: Float32Array[] }> {
  const c = await loadClassifier(resolve(dir));
  try {
    return { labels: c.labels, probs: c.predictBatch(feats).map((p) => p.probs ?? new Float32Array(c.labels.length)) };
  } finally {
    c.dispose();
  }
}

async function main(): Promise<void> {
  const [seedS, ensemble, ...models] = process.argv.slice(2);
  if (!seedS || !ensemble || models.length === 0) throw new Error('usage: distill-fidelity.ts <split seed> <dir+dir+…> <model dir> …');
  await initDsp();
  const first = await loadClassifier(resolve(ensemble.split('+')[0]));
  const cfg = first.featureConfig, labels = first.labels;
  first.dispose();
  const split = groupSplit(readManifests(manifests), 0.25, Number(seedS));
  const same = new Set(split.sameTapeSpecies);
  const val = split.val.filter((c) => !same.has(c.species) && labels.includes(c.species));
  const feats: Float32Array[] = [];
  for (const c of val) { const a = await readMono(c.path); feats.push(featuresOf(a.samples, a.sampleRate, cfg)); }
  const members = ensemble.split('+');
  const ens = val.map(() => new Float32Array(labels.length));
  for (const d of members) {
    const p = await probsOf(d, feats);
    if (p.labels.join() !== labels.join()) throw new Error(`${d}: other labels`);
    p.probs.forEach((row, i) => row.forEach((v, j) => { ens[i][j] += v / members.length; }));
  }
  const ensTop = ens.map((p) => argmaxOf(p, -1));
  const acc = (top: readonly number[]): number => top.filter((t, i) => labels[t] === val[i].species).length / val.length;
  process.stdout.write(`split ${seedS}: ${val.length} tape-disjoint clips; ensemble of ${members.length}: accuracy ${(100 * acc(ensTop)).toFixed(1)} %\n`);
  for (const d of [...members, ...models]) {
    const p = await probsOf(d, feats);
    if (p.labels.join() !== labels.join()) throw new Error(`${d}: other labels`);
    const top = p.probs.map((r) => argmaxOf(r, -1));
    const agree = top.filter((t, i) => t === ensTop[i]).length / val.length;
    process.stdout.write(`  ${d.padEnd(48)} agrees with the ensemble on ${(100 * agree).toFixed(1).padStart(5)} %  accuracy ${(100 * acc(top)).toFixed(1).padStart(5)} %\n`);
  }
}

await main();
