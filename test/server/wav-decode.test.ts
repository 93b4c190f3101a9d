import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../streams/audio/wav-write.ts';
import { decodeWav } from '../../server/wav-decode.ts';
import { quantise16, tone } from '../helpers/signals.ts';

describe('decodeWav', () => {
  const x = tone(440, 0.05, 8000, 0.6);
  it('reads pcm16 exactly and float32 unchanged', () => {
    const a = decodeWav(encodeWav(x, 8000));
    expect(a.sampleRate).toBe(8000);
    expect([...a.samples]).toEqual([...quantise16(x)]);
    const f = decodeWav(encodeWav(x, 8000, { format: 'float32' }));
    expect([...f.samples]).toEqual([...x]);
  });

  it('reads 8/24/32-bit, extensible headers, and mixes channels to mono', () => {
    for (const format of ['pcm8', 'pcm24', 'pcm32', 'float64'] as const) {
      const d = decodeWav(encodeWav(x, 8000, { format, extensible: true }));
      const tol = format === 'pcm8' ? 1 / 100 : 1e-5;
      for (let i = 0; i < x.length; i += 17) expect(Math.abs(d.samples[i] - x[i]), format).toBeLessThan(tol);
    }
    const st = decodeWav(encodeWav([x, new Float32Array(x.length)], 8000, { format: 'float32' }));
    expect(st.channels).toBe(2);
    expect(st.samples[10]).toBeCloseTo(x[10] / 2, 6);
  });

  it('names the clip in its errors', () => {
    expect(() => decodeWav(new TextEncoder().encode('hello world!'), 'lab/x.wav')).toThrow(/lab\/x\.wav: not a RIFF\/WAVE file/);
    const noData = encodeWav(x, 8000).slice(0, 36);
    expect(() => decodeWav(noData, 'c.wav')).toThrow(/c\.wav: no data chunk/);
  });
});
