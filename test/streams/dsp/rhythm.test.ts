// The envelope-rhythm row (streams/dsp/rhythm.ts) on signals whose rhythm is known: click trains,
// noise, a gain change, a slower recorder, and the stream's own mel frames against a window alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { featureConfigAt } from '../../../models/feature-config.ts';
import { featureLength, featureRows, fixedFeatures } from '../../../streams/dsp/adaptive.ts';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { melPowerFrames } from '../../../streams/dsp/mfcc.ts';
import { resample } from '../../../streams/dsp/resample.ts';
import { RHYTHM_LAG_EDGES, RHYTHM_VALUES, rhythmRow } from '../../../streams/dsp/rhythm.ts';
import { noise } from './signals.ts';

beforeAll(initDsp);

const cfg = featureConfigAt(32000, true);
const BINS = RHYTHM_LAG_EDGES.length - 1;
const hopS = cfg.hop / cfg.sampleRate; // 16 ms

/** Decaying 2 kHz clicks every `periodS` seconds over a faint noise floor. */
function clicks(periodS: number, seconds: number, sr = 32000, amp = 0.5): Float32Array {
  const x = noise(Math.round(seconds * sr), 1e-4, 7);
  for (let c = 0; c < x.length; c += Math.round(periodS * sr)) {
    for (let i = 0; i < 160 && c + i < x.length; i++) x[c + i] += amp * Math.sin((2 * Math.PI * 2000 * i) / sr) * Math.exp(-i / 40);
  }
  return x;
}

const row = (x: Float32Array, sr = 32000): Float32Array => fixedFeatures({ samples: x, sampleRate: sr }, cfg).subarray(cfg.frames * cfg.nMfcc);
/** The lag bin holding `seconds`. */
const binOf = (seconds: number): number => RHYTHM_LAG_EDGES.findIndex((e, i) => i < BINS && seconds / hopS >= e && seconds / hopS < RHYTHM_LAG_EDGES[i + 1]);

describe('rhythm row', () => {
  it('follows the T MFCC frames, which stay what the config without it computes', () => {
    const x = clicks(0.5, 3);
    const plain = fixedFeatures({ samples: x, sampleRate: 32000 }, featureConfigAt(32000));
    const withRow = fixedFeatures({ samples: x, sampleRate: 32000 }, cfg);
    expect(featureRows(cfg)).toBe(cfg.frames + 1);
    expect(withRow).toHaveLength(featureLength(cfg));
    expect(withRow.subarray(0, plain.length)).toEqual(plain);
    expect(withRow.subarray(plain.length + RHYTHM_VALUES).every((v) => v === 0)).toBe(true);
  });

  it('peaks in the lag bin of a click train\'s period, in every band that holds the clicks', () => {
    for (const period of [0.1, 0.5]) {
      const r = row(clicks(period, 4));
      for (const band of [0, 2]) { // everything, 1–4 kHz (the clicks are at 2 kHz; 20 Hz–1 kHz has only their edges)
        const acf = Array.from(r.subarray(band * (BINS + 3), band * (BINS + 3) + BINS));
        const at = binOf(period);
        expect(acf[at]).toBeGreaterThan(0.8);
        // bins strictly between one hop and the period hold no repetition
        for (let b = 2; b < at; b++) expect(acf[b]).toBeLessThan(0.3);
      }
    }
  });

  it('white noise has no rhythm beyond the frames\' own overlap', () => {
    const r = row(noise(32000 * 3, 0.3, 11));
    for (let b = 3; b < BINS; b++) expect(Math.abs(r[b])).toBeLessThan(0.25);
    expect(r[BINS + 2]).toBeLessThan(0.05); // hardly any 6 dB onsets
  });

  it('does not change with the gain, and hardly with a slower recorder', () => {
    const x = clicks(0.25, 3);
    const loud = Float32Array.from(x, (v) => v * 100);
    const a = row(x), b = row(loud);
    for (let i = 0; i < RHYTHM_VALUES; i++) expect(b[i]).toBeCloseTo(a[i], 3);
    // the same clicks recorded at 16 kHz: the top band is empty, the envelope shapes are not
    const slow = row(resample(x, 32000, 16000), 16000);
    for (let b2 = 0; b2 < BINS; b2++) expect(Math.abs(slow[b2] - a[b2])).toBeLessThan(0.1);
  });

  it('is 0 in the lag bins a short window cannot reach', () => {
    const r = row(clicks(0.05, 0.3)); // ~19 frames
    const n = 1 + Math.floor((0.3 * 32000) / cfg.hop);
    for (let b = 0; b < BINS; b++) {
      if (RHYTHM_LAG_EDGES[b] >= n) expect(r[b]).toBe(0);
      else expect(r[b]).not.toBe(0);
    }
  });

  it('a window given the stream\'s mel frames gets the row its own samples give', () => {
    const x = clicks(0.3, 3);
    const m = melPowerFrames(x, cfg.sampleRate, { nFft: cfg.nFft, hop: cfg.hop, nMels: cfg.nMels, fmin: cfg.fmin, fmax: cfg.fmax, center: cfg.center, padMode: cfg.padMode });
    const view = fixedFeatures({ samples: x, sampleRate: 32000, mel: { data: m.data, count: m.frames, nMels: m.nMels, hop: cfg.hop } }, cfg);
    expect(view).toEqual(fixedFeatures({ samples: x, sampleRate: 32000 }, cfg));
  });

  it('refuses a row too short for its values and mel frames of another band count', () => {
    const mel = { data: new Float32Array(10 * cfg.nMels), count: 10, nMels: cfg.nMels, hop: cfg.hop };
    expect(() => rhythmRow(mel, cfg, new Float32Array(RHYTHM_VALUES - 1))).toThrow(/cannot hold/);
    expect(() => rhythmRow({ ...mel, nMels: 40 }, cfg)).toThrow(/40 bands, config wants 64/);
    expect(rhythmRow({ ...mel, data: new Float32Array(0), count: 0 }, cfg).every((v) => v === 0)).toBe(true);
  });
});
