// Recording-disjoint split: clips of one tape never land on both sides. Tapes joined in one clip
// ("83006|83035") are merged into one group first. Species whose clips all come from one group
// cannot be validated on an unseen tape: their clips are split within the group and flagged, so
// the model card reports them apart from the honest numbers.
import type { Clip } from './manifest.ts';
import { seededRandom, shuffleInPlace } from './random.ts';

export interface SplitResult {
  readonly train: Clip[];
  readonly val: Clip[];
  /** Species validated only on clips of a tape also seen in training. */
  readonly sameTapeSpecies: string[];
  /** Group of each clip after merging joined tapes (clip path → group). */
  readonly groupOf: ReadonlyMap<string, string>;
}

function shuffled<T>(xs: readonly T[], r: () => number): T[] {
  return shuffleInPlace(xs.slice(), r);
}

/** Union-find over tape ids so a clip naming two tapes ties them together. */
export function mergedGroups(clips: readonly Clip[]): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const add = (x: string): void => { if (!parent.has(x)) parent.set(x, x); };
  for (const c of clips) {
    const ids = c.group.split('|').map((s) => s.trim()).filter(Boolean);
    ids.forEach(add);
    for (let i = 1; i < ids.length; i++) {
      const a = find(ids[0]), b = find(ids[i]);
      if (a !== b) parent.set(b < a ? a : b, b < a ? b : a);
    }
  }
  const out = new Map<string, string>();
  for (const c of clips) out.set(c.path, find(c.group.split('|')[0].trim()));
  return out;
}

/** Clips in the order of their manifest-relative paths, the same wherever the data sits. */
const byKey = (a: Clip, b: Clip): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Seeded group split aiming at `valFraction` of each species' clips in validation, always leaving
 * at least one group of every species in training.
 */
export function groupSplit(clips: readonly Clip[], valFraction = 0.25, seed = 1): SplitResult {
  const r = seededRandom(seed);
  const groupOf = mergedGroups(clips);
  const side = new Map<string, 'train' | 'val'>();
  const species = [...new Set(clips.map((c) => c.species))].sort();
  const sameTapeSpecies: string[] = [];
  const valPaths = new Set<string>();
  for (const sp of species) {
    const mine = clips.filter((c) => c.species === sp);
    const counts = new Map<string, number>();
    for (const c of mine) counts.set(groupOf.get(c.path)!, (counts.get(groupOf.get(c.path)!) ?? 0) + 1);
    const groups = shuffled([...counts.keys()].sort(), r);
    if (groups.length < 2) {
      sameTapeSpecies.push(sp);
      continue;
    }
    const target = valFraction * mine.length;
    let inVal = 0;
    for (const [g, n] of [...counts].filter(([g]) => side.get(g) === 'val')) { void g; inVal += n; }
    const trainLeft = (): number => groups.filter((g) => side.get(g) !== 'val').length;
    for (const g of groups) {
      if (side.has(g)) continue;
      if (inVal >= target || trainLeft() <= 1) { side.set(g, 'train'); continue; }
      // Take the group unless it would overshoot badly while a smaller step was possible.
      side.set(g, 'val');
      inVal += counts.get(g)!;
    }
    if (inVal === 0) {
      // Every group was too big to leave training; put the smallest free one in validation.
      const free = groups.filter((g) => side.get(g) === 'train').sort((a, b) => counts.get(a)! - counts.get(b)!);
      if (free.length > 1) side.set(free[0], 'val');
    }
  }
  // Single-group species: a seeded clip-level split inside the tape, reported apart.
  for (const sp of sameTapeSpecies) {
    const mine = shuffled(clips.filter((c) => c.species === sp).sort(byKey).map((c) => c.path), r);
    const k = Math.max(1, Math.round(valFraction * mine.length));
    if (mine.length >= 2) mine.slice(0, k).forEach((p) => valPaths.add(p));
  }
  const train: Clip[] = [];
  const val: Clip[] = [];
  for (const c of clips) {
    const g = groupOf.get(c.path)!;
    const sameTape = sameTapeSpecies.includes(c.species);
    const isVal = sameTape ? valPaths.has(c.path) : side.get(g) === 'val';
    (isVal ? val : train).push(c);
  }
  return { train, val, sameTapeSpecies, groupOf };
}
