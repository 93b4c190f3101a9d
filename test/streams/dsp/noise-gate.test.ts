import { beforeAll, describe, expect, it } from 'vitest';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { MelAnalyzer } from '../../../streams/dsp/mel-analyzer.ts';
import { melFrequencies } from '../../../streams/dsp/mel.ts';
import { NoiseGate } from '../../../streams/dsp/noise-gate.ts';
import { noise, tone } from './signals.ts';

beforeAll(async () => {
  await initDsp();
});

const sr = 16000, nFft = 1024, hop = 256, nMels = 40;

/** Mel frames of x, optionally gated; returns frames × nMels. */
function mel(x: Float32Array, gate: NoiseGate | null): Float32Array {
  const an = new MelAnalyzer({ sampleRate: sr, nFft, nMels, fmax: sr / 2 });
  const frames = Math.floor((x.length - nFft) / hop) + 1;
  const out = new Float32Array(frames * nMels);
  for (let f = 0; f < frames; f++) {
    const p = an.powerFrame(x, f * hop);
    gate?.apply(p);
    an.melFromPower(p, out, f * nMels);
  }
  return out;
}

describe('NoiseGate', () => {
  it('steady noise + a faint tone burst: the burst stands out further above the noise after gating', () => {
    const x = noise(8 * sr, 0.1, 33);
    const burst = tone(2500, sr, 0.4, 0.02); // −20 dB re the noise amplitude, faint in the waveform
    const b0 = 5 * sr;
    for (let i = 0; i < burst.length; i++) x[b0 + i] += burst[i];
    const centres = melFrequencies(nMels + 2, 0, sr / 2).subarray(1, nMels + 1);
    let band = 0;
    for (let i = 1; i < nMels; i++) if (Math.abs(centres[i] - 2500) < Math.abs(centres[band] - 2500)) band = i;
    const snr = (m: Float32Array): number => {
      const frames = m.length / nMels;
      let inB = 0, nIn = 0, out = 0, nOut = 0;
      for (let f = 0; f < frames; f++) {
        const c = f * hop + nFft / 2;
        const v = m[f * nMels + band];
        if (c > b0 + nFft && c < b0 + burst.length - nFft) {
          inB += v;
          nIn++;
        } else if (f * hop > 2 * sr && (c < b0 - 2 * nFft || c > b0 + burst.length + 2 * nFft)) {
          out += v;
          nOut++;
        }
      }
      return 10 * Math.log10(inB / nIn / (out / nOut));
    };
    const plain = snr(mel(x, null));
    const gated = snr(mel(x, new NoiseGate(nFft / 2 + 1, sr, hop, { timeConstantS: 1.5, reductionDb: 20 })));
    console.log(`burst SNR in its mel band: ${plain.toFixed(1)} dB plain, ${gated.toFixed(1)} dB gated`);
    expect(plain).toBeGreaterThan(3); // the burst is there but modest
    expect(gated - plain).toBeGreaterThan(8);
  });

  it('passes the warm-up untouched and keeps a loud steady tone', () => {
    const g = new NoiseGate(513, sr, hop, { warmupS: 0.1 });
    const p = new Float32Array(513).fill(1);
    const copy = p.slice();
    g.apply(p);
    expect(Array.from(p)).toEqual(Array.from(copy));
    expect(() => new NoiseGate(513, sr, hop, { timeConstantS: 0 })).toThrow(/timeConstantS/);
  });
});
