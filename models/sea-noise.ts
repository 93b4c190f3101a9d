// Sea sounds that are not calls, synthesised: what a station on a shipping lane, in a warm shallow
// bay, under rain or beside a survey vessel hears most of the time. The training background comes
// from two 2 kHz recordings that hold none of these, and the shipped model named a ship's
// propeller noise Clymene Dolphin, snapping shrimp Beluga and an echo sounder Sperm Whale.
// Each generator draws its parameters (blade rate, snap rate, ping frequency, …) from `r`, so one
// kind covers many vessels, reefs and sounders; level is set by the caller.
import { bandLimit, type NoiseSource } from './augment.ts';
import { parseKindList } from './kind-list.ts';
import { gaussian, uniform } from './random.ts';

export const SEA_NOISE_KINDS = ['ship', 'rain', 'shrimp', 'sounder'] as const;
export type SeaNoiseKind = (typeof SEA_NOISE_KINDS)[number];

/** Second-order resonator (RBJ band-pass, constant peak gain) run over x in place. */
function bandPass(x: Float32Array, f0: number, q: number, sr: number): void {
  const w = (2 * Math.PI * Math.min(f0, 0.45 * sr)) / sr, alpha = Math.sin(w) / (2 * q), a0 = 1 + alpha;
  const b0 = alpha / a0, b2 = -alpha / a0, a1 = (-2 * Math.cos(w)) / a0, a2 = (1 - alpha) / a0;
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const y = b0 * x[i] + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1; x1 = x[i]; y2 = y1; y1 = y; x[i] = y;
  }
}

/** One-pole low-pass (corner `fc`) in place: a falling spectrum above it, −6 dB/octave. */
function lowPass(x: Float32Array, fc: number, sr: number): void {
  const a = Math.exp((-2 * Math.PI * fc) / sr);
  let v = 0;
  for (let i = 0; i < x.length; i++) x[i] = v = a * v + (1 - a) * x[i];
}

function peakTo(x: Float32Array, peak: number): Float32Array {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  if (m > 0) for (let i = 0; i < x.length; i++) x[i] *= peak / m;
  return x;
}

/**
 * Propeller cavitation: broadband noise falling above a corner of 100 Hz–2 kHz, amplitude-modulated
 * at the blade rate (2–20 Hz, the "thump" DEMON analysis finds), with tonal lines at harmonics of
 * the shaft rate and of the engine's firing rate below 500 Hz.
 */
function ship(n: number, sr: number, r: () => number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = gaussian(r);
  lowPass(x, uniform(r, 100, 2000), sr);
  if (r() < 0.5) lowPass(x, uniform(r, 300, 4000), sr);
  const blade = uniform(r, 2, 20), depth = uniform(r, 0.1, 0.9), blades = 3 + Math.floor(r() * 4);
  const lines: { f: number; a: number; ph: number }[] = [];
  let rms = 0;
  for (let i = 0; i < n; i++) rms += x[i] * x[i];
  rms = Math.sqrt(rms / n);
  const shaft = blade / blades, engine = uniform(r, 15, 120);
  for (let k = 1; k <= 12; k++) if (shaft * k < 500) lines.push({ f: shaft * k, a: rms * uniform(r, 0, 1.5) / k, ph: 2 * Math.PI * r() });
  for (let k = 1; k <= 4; k++) if (engine * k < 500) lines.push({ f: engine * k, a: rms * uniform(r, 0, 1) / k, ph: 2 * Math.PI * r() });
  const ph = 2 * Math.PI * r();
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    let s = x[i] * (1 + depth * Math.sin(2 * Math.PI * blade * t + ph));
    for (const l of lines) s += l.a * Math.sin(2 * Math.PI * l.f * t + l.ph);
    x[i] = s;
  }
  return x;
}

/** Rain on the surface: bubble resonances near 13–16 kHz over broadband splash noise above 1 kHz. */
function rain(n: number, sr: number, r: () => number): Float32Array {
  const x = new Float32Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) { const w = gaussian(r); x[i] = w - prev; prev = w; } // +6 dB/octave: little below 1 kHz
  const bubbles = new Float32Array(n);
  const drops = Math.round((n / sr) * uniform(r, 50, 2000));
  const ring = Math.round(0.002 * sr);
  for (let d = 0; d < drops; d++) {
    const at = Math.floor(r() * Math.max(1, n - ring)), f = uniform(r, 12000, 16000), a = uniform(r, 0.5, 4), tau = ring / 4;
    for (let j = 0; j < ring && at + j < n; j++) bubbles[at + j] += a * Math.exp(-j / tau) * Math.sin((2 * Math.PI * f * j) / sr);
  }
  if (sr < 24000) bandPass(bubbles, 0.4 * sr, 2, sr); // bubble band above Nyquist: only its skirt is left
  const mix = uniform(r, 0.3, 1);
  for (let i = 0; i < n; i++) x[i] = (1 - mix) * x[i] + mix * bubbles[i];
  return x;
}

/**
 * Snapping shrimp: a crackle of broadband snaps at random times (Poisson, 50–3,000 per second) and
 * random strengths over 30 dB, over faint noise. No rhythm: the regular click trains of
 * echolocating whales and dolphins are what this is not.
 */
function shrimp(n: number, sr: number, r: () => number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.003 * gaussian(r);
  return snaps(x, sr, Math.exp(uniform(r, Math.log(50), Math.log(3000))), r);
}

/** Snapping shrimp at a given rate (snaps per second), peak at `levelDb` dBFS: which rates read as calls. */
export function shrimpAtRate(n: number, sr: number, rate: number, levelDb: number, r: () => number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.003 * gaussian(r);
  return peakTo(snaps(x, sr, rate, r), 10 ** (levelDb / 20));
}

/** Adds Poisson snaps at `rate` per second to x; returns them high-passed (a new array). */
function snaps(x: Float32Array, sr: number, rate: number, r: () => number): Float32Array {
  const n = x.length;
  const len = Math.max(4, Math.round(0.0005 * sr));
  for (let t = -Math.log(1 - r()) / rate; t * sr < n; t += -Math.log(1 - r()) / rate) {
    const at = Math.floor(t * sr), a = 10 ** (uniform(r, -30, 0) / 20);
    for (let j = 0; j < len && at + j < n; j++) x[at + j] += a * gaussian(r) * Math.exp((-4 * j) / len);
  }
  const hp = new Float32Array(n); // snaps carry little below 2 kHz
  for (let i = 1; i < n; i++) hp[i] = x[i] - x[i - 1];
  return hp;
}

/** An echo sounder or pinger: constant-frequency pings (2–15 kHz, 1–20 ms) at a fixed period. */
function sounder(n: number, sr: number, r: () => number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.003 * gaussian(r);
  const f = uniform(r, 2000, Math.min(15000, 0.45 * sr)), len = Math.round(uniform(r, 0.001, 0.02) * sr);
  const period = Math.round(uniform(r, 0.1, 2) * sr), echo = uniform(r, 0, 0.5), delay = Math.round(uniform(r, 0.005, 0.05) * sr);
  for (let at = Math.floor(r() * period); at < n; at += period) {
    for (let j = 0; j < len; j++) {
      const s = Math.sin((Math.PI * j) / len) ** 2 * Math.sin((2 * Math.PI * f * j) / sr);
      if (at + j < n) x[at + j] += s;
      if (at + delay + j < n) x[at + delay + j] += echo * s;
    }
  }
  return x;
}

/** The kinds named in a comma-separated list (a CLI option); throws naming an unknown one. */
export function parseSeaNoiseKinds(list: string): SeaNoiseKind[] {
  return parseKindList(list, SEA_NOISE_KINDS, 'sea noise kinds');
}

/** `n` samples at `sr` of one sea-noise kind, peak at `levelDb` dBFS; deterministic in `r`. */
export function seaNoiseSignal(kind: SeaNoiseKind, n: number, sr: number, levelDb: number, r: () => number): Float32Array {
  const make = { ship, rain, shrimp, sounder }[kind];
  return peakTo(make(n, sr, r), 10 ** (levelDb / 20));
}

/**
 * `noise` with a share `p` of its draws replaced by synthetic sea noise, so that calls are also
 * heard over ships, rain and shrimp (the caller sets the SNR); `p` 0 gives `noise` itself. Sea
 * noise reaches the analysis band's top, so a draw for a band-limited view is band-limited too:
 * full-band noise over a band-limited call is no recorder, and the model learnt to expect it.
 */
export function withSeaNoise(noise: NoiseSource, p: number, sr: number, kinds: readonly SeaNoiseKind[] = SEA_NOISE_KINDS): NoiseSource {
  if (p <= 0) return noise;
  return (n, r, bandRate) => {
    if (r() >= p) return noise(n, r, bandRate);
    const x = seaNoiseSignal(kinds[Math.floor(r() * kinds.length)], n, sr, -20, r);
    return bandRate !== undefined && bandRate < sr ? bandLimit(x, sr, bandRate) : x;
  };
}
