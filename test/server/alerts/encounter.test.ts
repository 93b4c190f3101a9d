import { describe, expect, it } from 'vitest';
import { EncounterTracker } from '../../../server/alerts/encounter.ts';
import { T0, call } from './fixtures.ts';

describe('EncounterTracker', () => {
  it('makes one encounter of a pod calling every 3 s for ten minutes', () => {
    const t = new EncounterTracker(600);
    const calls = Array.from({ length: 200 }, (_, i) => call(i * 3, { confidence: i === 77 ? 0.99 : 0.7 }));
    const ups = calls.map((d) => t.add(d));
    expect(ups.filter((u) => u.opened).length).toBe(1);
    const e = ups.at(-1)!.encounter;
    expect(e).toEqual({ id: `enc:${calls[0].id}`, station: 'lab', species: 'orca', start: T0, end: T0 + 597_000 + 1000, count: 200, peakConfidence: 0.99 });
  });

  it('opens a new encounter after the silence gap and reports the closed one', () => {
    const t = new EncounterTracker(600);
    t.add(call(0));
    t.add(call(100));
    const same = t.add(call(100 + 1 + 600)); // 600 s after the last call's end: still inside
    expect(same.opened).toBe(false);
    const next = t.add(call(701 + 1 + 600.001));
    expect(next.opened).toBe(true);
    expect(next.closed?.count).toBe(3);
  });

  it('keeps stations and species apart', () => {
    const t = new EncounterTracker(60);
    expect(t.add(call(0)).opened).toBe(true);
    expect(t.add(call(1, { species: 'humpback' })).opened).toBe(true);
    expect(t.add(call(2, { station: 'other' })).opened).toBe(true);
    expect(t.add(call(3)).opened).toBe(false);
    expect(t.current().length).toBe(3);
  });

  it('expires encounters by detection time', () => {
    const t = new EncounterTracker(60);
    t.add(call(0));
    expect(t.expire(T0 + 61_000)).toEqual([]);
    expect(t.expire(T0 + 61_001).length).toBe(1);
    expect(t.current()).toEqual([]);
  });

  it('rejects a non-positive gap', () => {
    expect(() => new EncounterTracker(0)).toThrow(/gap/);
  });
});
