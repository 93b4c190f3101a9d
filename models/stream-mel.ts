// Mel power frames of a whole recording as the live pipeline computes them (one STFT over the
// stream at the analysis rate, optionally through the noise gate), and the features of a window
// taken as a view over those frames. Used by the card's noise-gate comparison.
import { fixedFeatures } from '../streams/dsp/adaptive.ts';
import { sharedMelAnalyzer } from '../streams/dsp/mel-analyzer.ts';
import { NoiseGate, type NoiseGateOptions } from '../streams/dsp/noise-gate.ts';
import type { FeatureConfig, MelView } from '../streams/types.ts';

/** Frames centred at k·hop, k = 0 … ⌊len/hop⌋ (centre = true, zero padding), gated when asked. */
export function streamMel(x: Float32Array, cfg: FeatureConfig, gate: NoiseGateOptions | null): MelView {
  const an = sharedMelAnalyzer({ sampleRate: cfg.sampleRate, nFft: cfg.nFft, nMels: cfg.nMels, fmin: cfg.fmin, fmax: cfg.fmax });
  const half = cfg.nFft >> 1;
  const padded = new Float32Array(x.length + cfg.nFft);
  padded.set(x, half);
  const count = 1 + Math.floor(x.length / cfg.hop);
  const data = new Float32Array(count * cfg.nMels);
  const g = gate ? new NoiseGate(an.nBins, cfg.sampleRate, cfg.hop, gate) : null;
  for (let k = 0; k < count; k++) {
    const p = an.powerFrame(padded, k * cfg.hop);
    g?.apply(p);
    an.melFromPower(p, data, k * cfg.nMels);
  }
  return { data, count, nMels: cfg.nMels, hop: cfg.hop };
}

/** Features of samples [s0, s1) of the stream (analysis rate), from the frames centred inside. */
export function windowFeatures(x: Float32Array, mel: MelView, s0: number, s1: number, cfg: FeatureConfig): Float32Array {
  const k0 = Math.ceil(s0 / mel.hop), k1 = Math.min(mel.count, Math.ceil(s1 / mel.hop));
  const view: MelView = { data: mel.data.subarray(k0 * mel.nMels, k1 * mel.nMels), count: k1 - k0, nMels: mel.nMels, hop: mel.hop };
  return fixedFeatures({ samples: x.subarray(s0, s1), sampleRate: cfg.sampleRate, mel: view }, cfg);
}
