// Real ocean noise for training views: drawn at the analysis rate, and through a slower recorder's
// rate when the view is band-limited below the recording's own.
import { beforeAll, describe, expect, it } from 'vitest';
import { noiseSourceFrom } from '../../models/dataset.ts';
import { seededRandom } from '../../models/random.ts';
import { initDsp } from '../../streams/dsp/fft.ts';
import { bandPower } from '../helpers/signals.ts';

const sr = 32000;
describe('noiseSourceFrom', () => {
  beforeAll(async () => { await initDsp(); });
  // white noise recorded at 32 kHz: energy up to 16 kHz
  const rec = { sampleRate: sr, samples: Float32Array.from({ length: sr * 4 }, () => 0) };
  const r0 = seededRandom(9);
  for (let i = 0; i < rec.samples.length; i++) rec.samples[i] = r0() - 0.5;

  it('draws the recording as it is, or through a slower recorder when asked', () => {
    const noise = noiseSourceFrom([rec], sr);
    const full = noise(sr, seededRandom(1))!, limited = noise(sr, seededRandom(1), 8000)!;
    expect(full).toHaveLength(sr);
    expect(limited).toHaveLength(sr);
    expect(bandPower(full, sr, 4500, 16000) / bandPower(full, sr, 20, 4000)).toBeGreaterThan(0.5);
    expect(bandPower(limited, sr, 4500, 16000) / bandPower(limited, sr, 20, 4000)).toBeLessThan(1e-3);
  });

  it('leaves a recording alone when the recorder rate is not below its own', () => {
    const slow = { sampleRate: 2000, samples: Float32Array.from({ length: 2000 * 30 }, (_, i) => Math.sin(i)) };
    const noise = noiseSourceFrom([slow], sr);
    expect(Array.from(noise(4000, seededRandom(3), 8000)!)).toEqual(Array.from(noise(4000, seededRandom(3))!));
  });
});
