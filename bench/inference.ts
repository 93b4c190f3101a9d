// Classifier inference speed on the wasm backend: ms per window for one window at a time (a quiet
// station) and per window in batches (the pipeline batches windows across stations). CPU time.
// `node --import tsx bench/inference.ts` prints JSON and a table; `npm run bench -- inference` too.
import { pathToFileURL } from 'node:url';
import { loadClassifier } from '../models/classifier.ts';
import { seededRandom, gaussian } from '../models/random.ts';

export const runs = 3;
export const units: Record<string, string> = {
  single_ms_per_window: 'ms',
  batch8_ms_per_window: 'ms',
  batch64_ms_per_window: 'ms',
  batch256_ms_per_window: 'ms',
};

export async function run(): Promise<Record<string, number>> {
  const clf = await loadClassifier(process.env.HYDROMON_MODEL);
  const dim = clf.featureConfig.frames * clf.featureConfig.nMfcc;
  const r = seededRandom(1);
  // MFCC-like magnitudes: c0 large and negative, the rest small.
  const make = (): Float32Array => Float32Array.from({ length: dim }, (_, i) => (i % clf.featureConfig.nMfcc === 0 ? -300 : 0) + 20 * gaussian(r));
  const pool = Array.from({ length: 256 }, make);
  const out: Record<string, number> = {};
  const timeIt = (batch: number, reps: number): number => {
    const xs = pool.slice(0, batch);
    // Warm-up: a monitor runs for months, so the figure is the steady state. The first few
    // thousand calls run colder code (tfjs's JS tiers up, wasm functions are recompiled) and
    // cost 3–5× more per call on this machine.
    const warm = performance.now();
    for (let i = 0; i < 4000 / batch || performance.now() - warm < 1000; i++) clf.predictBatch(xs);
    // CPU time, not wall time: the wasm backend runs on this thread, and the 2-core machine is
    // often shared, so wall time measured the neighbours as much as the model.
    const c0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) clf.predictBatch(xs);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / (reps * batch);
  };
  out.single_ms_per_window = timeIt(1, 2000);
  out.batch8_ms_per_window = timeIt(8, 250);
  out.batch64_ms_per_window = timeIt(64, 40);
  out.batch256_ms_per_window = timeIt(256, 10);
  clf.dispose();
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  console.log(JSON.stringify(r, null, 2));
  const w = Math.max(...Object.keys(r).map((k) => k.length));
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(w)}  ${v >= 100 ? v.toFixed(0) : v.toFixed(3)}  ${units[k] ?? ''}`);
}
