import { describe, expect, it } from 'vitest';
import { Batcher } from '../../../server/store/batcher.ts';

describe('Batcher', () => {
  it('flushes by count and by age, in order, one batch at a time', async () => {
    const batches: number[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const b = new Batcher<number>(async (xs) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      batches.push(xs);
      inFlight--;
    }, { maxItems: 3, maxDelayMs: 20 });
    const p = [b.add([1, 2]), b.add([3]), b.add([4])];
    await Promise.all(p);
    expect(batches).toEqual([[1, 2, 3], [4]]);
    expect(maxInFlight).toBe(1);
  });

  it('resolves a caller only when its own batch is written, and rejects it when that batch fails', async () => {
    let fail = true;
    const b = new Batcher<string>(async () => {
      if (fail) throw new Error('server away');
    }, { maxItems: 2, maxDelayMs: 5 });
    await expect(b.add(['a', 'b'])).rejects.toThrow('server away');
    fail = false;
    await expect(b.add(['c'])).resolves.toBeUndefined();
    await b.close();
    await expect(b.add(['d'])).rejects.toThrow(/closed/);
  });
});
