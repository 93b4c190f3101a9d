// Re-runs a model folder's right-whale streaming check (with the noise-gate comparison) and
// re-renders its card, without retraining:
// node --import tsx models/recheck-stream.ts <model-dir> <annotations.csv> <background-dir> <held-out file>…
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { initDsp } from '../streams/dsp/fft.ts';
import { readAnnotatedRecordings, readBackgroundRecordings } from './annotations.ts';
import type { CardInput } from './card.ts';
import { renderCard } from './card.ts';
import { streamCheck } from './checks.ts';
import { loadSaved } from './model-io.ts';
import { predictProbs } from './train.ts';
import { useWasmBackend } from './wasm-backend.ts';

const [dirArg, table, bgDir, ...holdout] = process.argv.slice(2);
if (!dirArg || !table || !bgDir || holdout.length === 0) {
  process.stderr.write('usage: node --import tsx models/recheck-stream.ts <model-dir> <annotations.csv> <background-dir> <held-out file>…\n');
  process.exit(2);
}
const dir = resolve(dirArg);
await initDsp();
await useWasmBackend();
const saved = await loadSaved(dir);
const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as CardInput;
const target = 'Northern Right Whale';
const recs = [...readAnnotatedRecordings(resolve(table), target), ...readBackgroundRecordings(resolve(bgDir))].filter((r) => holdout.includes(basename(r.path)));
const probs = (xs: readonly Float32Array[]) => predictProbs(saved.model, xs, saved.featureConfig, saved.meta.norm, saved.labels.length);
const stream = await streamCheck(recs, probs, saved.labels, target, saved.featureConfig, saved.meta.threshold);
const next: CardInput = { ...card, stream };
writeFileSync(join(dir, 'card.json'), JSON.stringify(next) + '\n');
writeFileSync(join(dir, 'MODEL_CARD.md'), renderCard(next));
const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Record<string, unknown>;
writeFileSync(join(dir, 'metrics.json'), JSON.stringify({ ...metrics, stream }, null, 1) + '\n');
process.stdout.write(JSON.stringify({ atThreshold: stream.atThreshold, gate: stream.gate }, null, 1) + '\n');
