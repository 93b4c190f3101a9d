// Background examples that no recording gave us: the faults and noises a station's input chain
// produces (broadband preamp hiss at any level and colour, a DC offset, mains hum, a clipping
// input, near-silence). The real background class comes from two sites recorded at 2 kHz, so the
// model had never seen broadband noise up to the analysis band's top labelled as "no call", and
// named white noise Sperm Whale, a DC offset Melon Headed Whale, 60 Hz hum Beluga. Pure tones and
// click trains are left out on purpose: those are what whistles and echolocation look like.
import type { FeatureConfig } from '../streams/types.ts';
import { bandLimit, bandLimitRates } from './augment.ts';
import { BACKGROUND, type Example } from './dataset.ts';
import { featuresOf } from './features.ts';
import { parseKindList } from './kind-list.ts';
import { gaussian, seededRandom, uniform } from './random.ts';
import { SEA_NOISE_KINDS, seaNoiseSignal, type SeaNoiseKind } from './sea-noise.ts';

export const SYNTHETIC_SOURCE = 'synthetic-background';

export const SYNTHETIC_KINDS = ['white', 'pink', 'brown', 'dc', 'hum', 'clipped', 'quiet', 'whine'] as const;
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];
/** What training draws unless asked otherwise (`whine`, a tone with harmonics, is on trial: see the model card). */
export const DEFAULT_SYNTHETIC_KINDS: readonly SyntheticKind[] = ['white', 'pink', 'brown', 'dc', 'hum', 'clipped', 'quiet'];

/** `--synthetic-kinds a,b,…` → kinds; unknown names are refused, naming them. */
export function parseSyntheticKinds(list: string): SyntheticKind[] {
  return parseKindList(list, SYNTHETIC_KINDS, 'synthetic background kinds');
}

/** One fault signal of `kind`, `n` samples at `sr`, peak level set by `levelDb` (dBFS). */
export function faultSignal(kind: SyntheticKind, n: number, sr: number, levelDb: number, r: () => number): Float32Array {
  const a = 10 ** (levelDb / 20);
  const x = new Float32Array(n);
  switch (kind) {
    case 'white': for (let i = 0; i < n; i++) x[i] = a * gaussian(r) / 3; break;
    case 'pink': {
      // Paul Kellet's economy filter: −3 dB/octave within about 1 dB
      let b0 = 0, b1 = 0, b2 = 0;
      for (let i = 0; i < n; i++) {
        const w = gaussian(r);
        b0 = 0.99765 * b0 + w * 0.099046; b1 = 0.963 * b1 + w * 0.2965164; b2 = 0.57 * b2 + w * 1.0526913;
        x[i] = (a / 12) * (b0 + b1 + b2 + w * 0.1848);
      }
      break;
    }
    case 'brown': { let v = 0; for (let i = 0; i < n; i++) { v = 0.998 * v + gaussian(r); x[i] = (a / 30) * v; } break; }
    case 'dc': { const off = (r() < 0.5 ? -1 : 1) * a; for (let i = 0; i < n; i++) x[i] = off + 1e-3 * a * gaussian(r); break; }
    case 'hum': {
      const f0 = r() < 0.5 ? 50 : 60;
      const amps = [1, uniform(r, 0, 0.5), uniform(r, 0, 0.3), uniform(r, 0, 0.2)];
      const ph = amps.map(() => 2 * Math.PI * r());
      for (let i = 0; i < n; i++) {
        let s = 0;
        amps.forEach((h, k) => { s += h * Math.sin(2 * Math.PI * f0 * (k + 1) * (i / sr) + ph[k]); });
        x[i] = (a / 2) * s + 1e-3 * a * gaussian(r);
      }
      break;
    }
    case 'clipped': { const g = uniform(r, 2, 10); for (let i = 0; i < n; i++) x[i] = a * Math.max(-1, Math.min(1, (g * gaussian(r)) / 3)); break; }
    case 'quiet': for (let i = 0; i < n; i++) x[i] = 1e-5 * a * gaussian(r); break;
    case 'whine': {
      // A switching supply or a digital clock leaking into the line: a pulse wave (duty 5–50 %,
      // 50 % = square) or a sawtooth at one fixed 100 Hz–4 kHz pitch, harmonics to the top of the band.
      const f0 = Math.exp(uniform(r, Math.log(100), Math.log(4000))), saw = r() < 0.3, duty = uniform(r, 0.05, 0.5), ph = r();
      for (let i = 0; i < n; i++) {
        const t = (ph + (f0 * i) / sr) % 1;
        // zero-mean (the line is AC-coupled), peak at the level
        x[i] = a * ((saw ? 2 * t - 1 : ((t < duty ? 1 : 0) - duty) / (1 - duty)) + 1e-3 * gaussian(r));
      }
      break;
    }
  }
  return x;
}

/**
 * `count` background examples of fault signals at the analysis rate, reproducible from `seed`:
 * kinds in turn, levels −80 to −3 dBFS, mostly 2 s windows (else 0.3–5 s events), and about a
 * third band-limited to a slower recorder's rate.
 */
export function syntheticBackground(cfg: FeatureConfig, count: number, seed: number, windowS = 2, kinds: readonly SyntheticKind[] = DEFAULT_SYNTHETIC_KINDS): Example[] {
  return synthesise(cfg, count, seededRandom(seed ^ 0x5b6d), windowS, kinds, faultSignal, -80);
}

/** As syntheticBackground, for the sea's own non-call sounds (sea-noise.ts), levels −60 to −3 dBFS. */
export function seaNoiseBackground(cfg: FeatureConfig, count: number, seed: number, windowS = 2, kinds: readonly SeaNoiseKind[] = SEA_NOISE_KINDS): Example[] {
  return synthesise(cfg, count, seededRandom(seed ^ 0x5ea5), windowS, kinds, seaNoiseSignal, -60);
}

function synthesise<K extends string>(cfg: FeatureConfig, count: number, r: () => number, windowS: number, kinds: readonly K[], signal: (kind: K, n: number, sr: number, levelDb: number, r: () => number) => Float32Array, minDb: number): Example[] {
  const sr = cfg.sampleRate;
  const rates = bandLimitRates(sr);
  const out: Example[] = [];
  for (let k = 0; k < count; k++) {
    const kind = kinds[k % kinds.length];
    const seconds = r() < 0.7 ? windowS : uniform(r, 0.3, 5);
    let x = signal(kind, Math.round(seconds * sr), sr, uniform(r, minDb, -3), r);
    if (r() < 0.35 && rates.length > 0) x = bandLimit(x, sr, rates[Math.floor(r() * rates.length)]);
    out.push({ x: featuresOf(x, sr, cfg), label: BACKGROUND, source: `${SYNTHETIC_SOURCE}:${kind}` });
  }
  return out;
}
