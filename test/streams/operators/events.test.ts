import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { energyEvents, type EventOptions } from '../../../streams/operators/events.ts';
import type { Window } from '../../../streams/types.ts';
import { makeBlocks } from '../../helpers/blocks.ts';

const T0 = Date.UTC(2000, 4, 19, 0, 15, 0);
const sr = 1000;
const hop = 10; // 100 frames per second
const nMels = 8;
const centers = [50, 100, 150, 200, 250, 300, 350, 400];

/** Background power 1e-6 in every band, with bursts (frame ranges) in bands 2..4. */
function melWith(bursts: Array<[number, number, number]>) {
  return (f: number, m: number): number => {
    for (const [a, b, p] of bursts) if (f >= a && f < b && m >= 2 && m <= 4) return p;
    return 1e-6 * (1 + 0.1 * Math.sin(f * 1.7 + m));
  };
}

async function detect(seconds: number, mel: (f: number, m: number) => number, opts: Partial<EventOptions> = {}): Promise<Window[]> {
  const blocks = makeBlocks({ sampleRate: sr, hop, nMels, samples: new Float32Array(seconds * sr), chunk: 250, t0: T0, mel });
  const op = energyEvents({ minS: 0.05, maxS: 5, thresholdDb: 10, bandHz: [0, 500], melCentersHz: centers, floorS: 10, warmupS: 1, padS: 0, ...opts });
  return lastValueFrom(from(blocks).pipe(op, toArray()));
}

describe('energyEvents', () => {
  it('cuts one event around a burst, with its time and band', async () => {
    const evs = await detect(20, melWith([[500, 530, 1e-3]]));
    expect(evs).toHaveLength(1);
    const e = evs[0];
    expect(e.kind).toBe('event');
    // Frames 500..529 ≈ 5.00–5.30 s (the hangover adds no frames above the release level).
    expect((e.start - T0) / 1000).toBeCloseTo(4.995, 2);
    expect((e.end - T0) / 1000).toBeCloseTo(5.295, 2);
    expect(e.samples.length).toBe(Math.round(((e.end - e.start) * sr) / 1000));
    expect(e.freqLowHz).toBe(150);
    expect(e.freqHighHz).toBe(250);
  });

  it('finds a 0.05 s click and drops what is shorter than minS', async () => {
    const evs = await detect(10, melWith([[300, 305, 1e-2], [600, 601, 1e-2]]), { minS: 0.05 });
    expect(evs).toHaveLength(1);
    expect((evs[0].start - T0) / 1000).toBeCloseTo(2.995, 2);
  });

  it('cuts an event longer than maxS into pieces', async () => {
    // A floor history long beside maxS: the cut pieces barely move the median, so the call goes on
    // being detected (5 s + 5 s + 2 s).
    const evs = await detect(50, melWith([[2000, 3200, 1e-3]]), { maxS: 5, floorS: 60 });
    expect(evs.length).toBe(3);
    expect((evs[1].start - evs[0].start) / 1000).toBeCloseTo(5, 1);
  });

  it('follows a rising background instead of firing for ever', async () => {
    // The background steps up 20 dB at 10 s and stays: one event, cut at maxS, hands its levels to
    // the floor, which then sits at the new background.
    const mel = (f: number, m: number): number => (f >= 1000 ? 1e-4 : 1e-6) * (1 + 0.1 * Math.sin(f * 1.3 + m));
    const evs = await detect(60, mel, { maxS: 8 });
    expect(evs.length).toBe(1);
    expect((evs[0].start - T0) / 1000).toBeCloseTo(10, 1);
    expect((evs[0].end - evs[0].start) / 1000).toBeCloseTo(8, 1);
  });

  it('does not fire before the floor is known', async () => {
    const evs = await detect(5, melWith([[10, 40, 1e-3]]), { warmupS: 1 });
    expect(evs).toHaveLength(0);
  });

  it('rejects a band with no mel band in it', () => {
    expect(() => energyEvents({ minS: 0.05, maxS: 5, thresholdDb: 10, bandHz: [1000, 2000], melCentersHz: centers })).toThrow(/no mel band/);
  });
});
