import { describe, expect, it } from 'vitest';
import { SpectrogramColumns } from '../../server/spectrogram-columns.ts';
import { makeBlocks } from '../helpers/blocks.ts';

describe('SpectrogramColumns', () => {
  it('averages frames into a few columns per second, quantised, with loud bands bright', () => {
    const cols = new SpectrogramColumns('st', { columnsPerS: 4, floorDb: -100, ceilDb: 0, maxHz: 8000 });
    // 100 frames/s for 2 s; band 3 is 60 dB above the rest.
    const blocks = makeBlocks({ sampleRate: 1000, hop: 10, nMels: 8, samples: new Float32Array(2000), chunk: 300, t0: 0, mel: (_f, m) => (m === 3 ? 1e-2 : 1e-8) });
    const out = blocks.flatMap((b) => cols.push(b));
    expect(out.length).toBe(8);
    for (const c of out) {
      expect(c.bins[3]).toBe(Math.round(((-20 + 100) / 100) * 255));
      expect(c.bins[0]).toBe(Math.round(((-80 + 100) / 100) * 255));
    }
    // Column centres step by 250 ms.
    expect(out[1].t - out[0].t).toBeCloseTo(250, 6);
  });
});
