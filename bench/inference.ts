// Classifier inference speed: ms per window for one window at a time (a quiet station) and per
// window in batches (the pipeline batches windows across stations). CPU time. The plain rows are
// the backend the classifier picks by default (onnxruntime when installed, see the unit text);
// the wasm_ rows force the tfjs wasm backend, measured back to back in the same process.
// `node --import tsx bench/inference.ts` prints JSON and a table; `npm run bench -- inference` too.
import { pathToFileURL } from 'node:url';
import { featureLength } from '../streams/dsp/adaptive.ts';
import { loadClassifier, type LoadOptions, type SyncClassifier } from '../models/classifier.ts';
import { seededRandom, gaussian } from '../models/random.ts';

export const runs = 3;
const SIZES = [['single', 1, 2000], ['batch8', 8, 250], ['batch64', 64, 40], ['batch256', 256, 10]] as const;
/** Filled in by run(): the unit names the backend that measured the row. */
export const units: Record<string, string> = {};
for (const [name] of SIZES) {
  units[`${name}_ms_per_window`] = 'ms';
  units[`wasm_${name}_ms_per_window`] = 'ms (backend: tfjs-wasm)';
}

function timeIt(clf: SyncClassifier, pool: readonly Float32Array[], batch: number, reps: number): number {
  const xs = pool.slice(0, batch);
  // Warm-up: a monitor runs for months, so the figure is the steady state. The first few
  // thousand calls run colder code (tfjs's JS tiers up, wasm functions are recompiled) and
  // cost 3–5× more per call on this machine.
  const warm = performance.now();
  for (let i = 0; i < 4000 / batch || performance.now() - warm < 1000; i++) clf.predictBatch(xs);
  // CPU time, not wall time: both backends run on this thread, and the 2-core machine is
  // often shared, so wall time measured the neighbours as much as the model.
  const c0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) clf.predictBatch(xs);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / (reps * batch);
}

async function measure(prefix: string, opts: LoadOptions, out: Record<string, number>): Promise<string> {
  const clf = await loadClassifier(process.env.HYDROMON_MODEL, opts);
  const { nMfcc } = clf.featureConfig;
  const dim = featureLength(clf.featureConfig), mfcc = clf.featureConfig.frames * nMfcc;
  const r = seededRandom(1);
  // MFCC-like magnitudes: c0 large and negative, the rest small; a rhythm row (if any) of small values.
  const make = (): Float32Array => Float32Array.from({ length: dim }, (_, i) => (i < mfcc && i % nMfcc === 0 ? -300 : 0) + (i < mfcc ? 20 : 0.3) * gaussian(r));
  const pool = Array.from({ length: 256 }, make);
  for (const [name, batch, reps] of SIZES) out[`${prefix}${name}_ms_per_window`] = timeIt(clf, pool, batch, reps);
  clf.dispose();
  return clf.backend;
}

export async function run(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const backend = await measure('', {}, out);
  for (const [name] of SIZES) units[`${name}_ms_per_window`] = `ms (backend: ${backend})`;
  await measure('wasm_', { inference: 'wasm' }, out);
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  console.log(JSON.stringify(r, null, 2));
  const w = Math.max(...Object.keys(r).map((k) => k.length));
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(w)}  ${v >= 100 ? v.toFixed(0) : v.toFixed(3)}  ${units[k] ?? ''}`);
}
