import { describe, expect, it } from 'vitest';
import type { Clip } from '../../models/manifest.ts';
import { groupSplit, mergedGroups } from '../../models/split.ts';

function clips(spec: Record<string, Record<string, number>>): Clip[] {
  const out: Clip[] = [];
  for (const [species, tapes] of Object.entries(spec)) {
    for (const [tape, n] of Object.entries(tapes)) {
      for (let i = 0; i < n; i++) out.push({ path: `/d/${species}/${tape}/${i}.wav`, species, group: tape, manifest: 'm', key: `${species}/${tape}/${i}.wav` });
    }
  }
  return out;
}

describe('groupSplit', () => {
  const data = clips({
    A: { a1: 10, a2: 8, a3: 6, a4: 5 },
    B: { b1: 20, b2: 3 },
    C: { c1: 12 }, // one tape only
    D: { d1: 4, 'd1|d2': 2, d2: 5, d3: 6 },
  });

  it('never puts one tape on both sides (except single-tape species, which it reports)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const s = groupSplit(data, 0.25, seed);
      expect(s.sameTapeSpecies).toEqual(['C']);
      const side = new Map<string, string>();
      for (const [name, list] of [['train', s.train], ['val', s.val]] as const) {
        for (const c of list) {
          if (c.species === 'C') continue;
          const g = s.groupOf.get(c.path)!;
          expect(side.get(g) ?? name).toBe(name);
          side.set(g, name);
        }
      }
      expect(s.train.length + s.val.length).toBe(data.length);
      // every species keeps training data and multi-tape species get validation data
      for (const sp of ['A', 'B', 'C', 'D']) expect(s.train.some((c) => c.species === sp)).toBe(true);
      for (const sp of ['A', 'B', 'D']) expect(s.val.some((c) => c.species === sp)).toBe(true);
    }
  });
  it('merges tapes named together in one clip', () => {
    const g = mergedGroups(data);
    expect(g.get('/d/D/d1|d2/0.wav')).toBe(g.get('/d/D/d1/0.wav'));
    expect(g.get('/d/D/d2/0.wav')).toBe(g.get('/d/D/d1/0.wav'));
    expect(g.get('/d/D/d3/0.wav')).not.toBe(g.get('/d/D/d1/0.wav'));
  });
  it('is reproducible from its seed', () => {
    const a = groupSplit(data, 0.25, 7), b = groupSplit(data, 0.25, 7);
    expect(a.val.map((c) => c.path)).toEqual(b.val.map((c) => c.path));
  });
});
