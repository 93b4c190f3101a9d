// An event's samples are fetched when first read (a view of one chunk, or a copy across chunks):
// read after the whole stream has passed — the run buffer long trimmed — they must still be the
// stream's own samples of [start, end).
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { energyEvents } from '../../../streams/operators/events.ts';
import { makeBlocks } from '../../helpers/blocks.ts';

const T0 = Date.UTC(2001, 2, 3, 4, 5, 6);
const sr = 1000;
const hop = 10;
const centers = [50, 100, 150, 200, 250, 300, 350, 400];

/** Every sample distinct, so a sample taken from the wrong place shows. */
function distinct(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (i + 1) / 65536;
  return x;
}

async function events(chunk: number, bursts: Array<[number, number]>, padS: number) {
  const x = distinct(30 * sr);
  const mel = (f: number, m: number): number => (bursts.some(([a, b]) => f >= a && f < b) && m >= 2 && m <= 4 ? 1e-2 : 1e-6 * (1 + 0.1 * Math.sin(f + m)));
  const blocks = makeBlocks({ sampleRate: sr, hop, nMels: 8, samples: x, chunk, t0: T0, mel });
  const evs = await lastValueFrom(
    from(blocks).pipe(energyEvents({ minS: 0.03, maxS: 5, thresholdDb: 10, bandHz: [0, 500], melCentersHz: centers, floorS: 10, warmupS: 1, padS }), toArray()),
  );
  return { x, evs };
}

describe('energyEvents: samples', () => {
  for (const [name, chunk, bursts] of [
    ['inside one chunk (a view)', 4000, [[1205, 1230]]],
    ['across chunks (a copy)', 250, [[500, 530], [2000, 2100]]],
  ] as const) {
    for (const padS of [0, 0.05]) {
      it(`${name}, pad ${padS} s: the stream's samples of [start, end), read after the stream ended`, async () => {
        const { x, evs } = await events(chunk, bursts.map((b) => [...b] as [number, number]), padS);
        expect(evs).toHaveLength(bursts.length);
        for (const e of evs) {
          const from = Math.round(((e.start - T0) * sr) / 1000);
          const to = Math.round(((e.end - T0) * sr) / 1000);
          expect(to - from).toBeGreaterThan(20);
          expect(e.samples).toEqual(x.subarray(from, to));
          expect(e.samples).toBe(e.samples); // fetched once, then kept
        }
      });
    }
  }
});
