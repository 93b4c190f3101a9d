// What a model says about inputs that are not sea sounds: two seconds of each input-chain fault
// (silence, hiss, DC, hum, a clipping input, a square wave, a tone, a click train) at 48 kHz, top
// label and probability. The model card's table "Inputs that are not sea sounds" comes from this.
// Then full-scale square waves at five pitches, and detections on 25 held-out draws of the
// synthetic-background 'whine' fault (pulse and sawtooth waves at one pitch).
//   node --import tsx scripts/fault-inputs.ts [<model dir> …]   (default: the shipped model)
import { resolve } from 'node:path';
import { loadClassifier } from '../models/classifier.ts';
import { featuresOf } from '../models/features.ts';
import { gaussian, seededRandom, uniform } from '../models/random.ts';
import { faultSignal } from '../models/synthetic-background.ts';
import { NON_DETECTIONS } from '../streams/detection.ts';
import { initDsp } from '../streams/dsp/fft.ts';

/** Full-scale (±0.9) square waves at 100 Hz to 2 kHz, `seconds` long at `sr`. */
export function squareWaves(sr = 48000, seconds = 2): Record<string, Float32Array> {
  const n = Math.round(seconds * sr);
  return Object.fromEntries([100, 250, 500, 1000, 2000].map((f) => [`${f} Hz`, Float32Array.from({ length: n }, (_, i) => (Math.sin((2 * Math.PI * f * i) / sr) > 0 ? 0.9 : -0.9))]));
}

/** `per` draws of the 'whine' fault from a seed no training uses, peaks −50 to −3 dBFS. */
export function whineProbes(sr = 48000, per = 25, seconds = 2): Float32Array[] {
  const r = seededRandom(424242);
  return Array.from({ length: per }, () => faultSignal('whine', Math.round(seconds * sr), sr, uniform(r, -50, -3), r));
}

/** The fault signals, `seconds` long at `sr`; deterministic. */
export function faultInputs(sr = 48000, seconds = 2): Record<string, Float32Array> {
  const n = Math.round(seconds * sr), r = seededRandom(5);
  const sine = (f: number, a: number) => Float32Array.from({ length: n }, (_, i) => a * Math.sin(2 * Math.PI * f * i / sr));
  let v = 0;
  return {
    'digital silence': new Float32Array(n),
    'white noise −60 dBFS': Float32Array.from({ length: n }, () => 0.001 * gaussian(r)),
    'white noise −20 dBFS': Float32Array.from({ length: n }, () => 0.1 * gaussian(r)),
    'clipped white noise': Float32Array.from({ length: n }, () => Math.max(-1, Math.min(1, 3 * gaussian(r)))),
    'DC offset 0.5': new Float32Array(n).fill(0.5),
    '60 Hz hum': sine(60, 0.3),
    '1 kHz tone': sine(1000, 0.3),
    '500 Hz square wave': Float32Array.from(sine(500, 1), (s) => (s > 0 ? 0.9 : -0.9)),
    'clicks, 10 per second': Float32Array.from({ length: n }, (_, i) => (i % Math.round(sr / 10) < 20 ? 0.8 : 0) + 0.001 * gaussian(r)),
    'brown noise': Float32Array.from({ length: n }, () => (v = 0.999 * v + 0.01 * gaussian(r))),
  };
}

async function main(): Promise<void> {
  await initDsp();
  const sr = 48000, inputs = faultInputs(sr);
  const dirs = process.argv.slice(2);
  for (const dir of dirs.length > 0 ? dirs : [undefined]) {
    const clf = await loadClassifier(dir && resolve(dir));
    process.stdout.write(`\n${dir ?? 'shipped model'} (threshold ${clf.threshold})\n`);
    const preds = clf.predictBatch(Object.values(inputs).map((x) => featuresOf(x, sr, clf.featureConfig)));
    Object.keys(inputs).forEach((name, i) => {
      const p = preds[i].probs!, k = p.indexOf(Math.max(...p));
      process.stdout.write(`  ${name.padEnd(24)} ${clf.labels[k].padEnd(26)} ${p[k].toFixed(2)}\n`);
    });
    const squares = squareWaves(sr), sq = clf.predictBatch(Object.values(squares).map((x) => featuresOf(x, sr, clf.featureConfig)));
    process.stdout.write(`  square waves: ${Object.keys(squares).map((f, i) => `${f} ${sq[i].species}`).join(', ')}\n`);
    const whine = clf.predictBatch(whineProbes(sr).map((x) => featuresOf(x, sr, clf.featureConfig)));
    process.stdout.write(`  whine probes: ${whine.filter((p) => !NON_DETECTIONS.has(p.species)).length} of ${whine.length} make a detection\n`);
    clf.dispose();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
