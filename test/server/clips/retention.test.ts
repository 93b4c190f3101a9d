import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClipEntry } from '../../../server/clips/clip-index.ts';
import { readClipIndex } from '../../../server/clips/clip-index.ts';
import { createClipWriter } from '../../../server/clips/clip-writer.ts';
import { chooseDeletions } from '../../../server/clips/retention.ts';
import type { PcmChunk } from '../../../streams/types.ts';

const tmp: string[] = [];
afterAll(() => { for (const d of tmp) rmSync(d, { recursive: true, force: true }); });
const NOW = Date.UTC(2026, 10, 24);
const e = (rel: string, species: string, confidence: number, ageDays: number, bytes = 100): ClipEntry =>
  ({ rel, station: 's', species, confidence, start: NOW - ageDays * 86_400_000, bytes });

describe('chooseDeletions', () => {
  it('drops clips older than the age limit', () => {
    const del = chooseDeletions([e('a', 'orca', 0.9, 40), e('b', 'orca', 0.1, 2)], { maxAgeDays: 30, now: NOW });
    expect([...del]).toEqual(['a']);
  });

  it('over budget, keeps the best clips of every species, even a rare one with low confidence', () => {
    const clips = [
      ...Array.from({ length: 8 }, (_, i) => e(`orca${i}`, 'orca', 0.5 + i * 0.05, 1)),
      e('minke0', 'minke', 0.3, 1),
      e('hump0', 'humpback', 0.95, 1), e('hump1', 'humpback', 0.4, 1),
    ];
    const del = chooseDeletions(clips, { maxBytes: 500, now: NOW });
    const kept = clips.map((c) => c.rel).filter((r) => !del.has(r)).sort();
    expect(kept).toEqual(['hump0', 'hump1', 'minke0', 'orca6', 'orca7']);
  });
});

describe('clip retention on disk', () => {
  it('deletes files, compacts the index and removes empty folders', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hydromon-ret-'));
    tmp.push(root);
    const w = createClipWriter({ root, preRollS: 0, postRollS: 0, retention: { maxBytes: 3 * (44 + 2 * 8000) + 10 } });
    const T = Date.UTC(2026, 10, 20);
    const chunk = (station: string, k: number): PcmChunk => ({ station, sampleRate: 8000, samples: new Float32Array(8000).fill(0.1), t0: T + k * 1000, seq: k });
    for (let k = 0; k < 10; k++) { w.pushChunk(chunk('a', k)); w.pushChunk(chunk('b', k)); }
    const ds = await Promise.all([0, 1, 2, 3, 4, 5].map((k) => w.addDetection({
      id: `x${k}`, station: k < 3 ? 'a' : 'b', species: k % 2 ? 'orca' : 'minke', confidence: k / 10, start: T + k * 1000, end: T + k * 1000 + 1000, model: 'm',
    })));
    expect(ds.every((d) => d.clip)).toBe(true);
    const r = w.enforceRetention()!;
    expect(r.deleted).toBe(3);
    expect(r.kept).toBe(3);
    // per species ranking: orca x5 (0.5) & x3 (0.3), minke x4 (0.4) & x2 (0.2) & x0 — keep the best of each first
    const kept = [...readClipIndex(root).values()].map((c) => c.confidence).sort();
    expect(kept).toEqual([0.3, 0.4, 0.5]);
    for (const d of ds) expect(existsSync(join(root, d.clip!))).toBe(kept.includes(d.confidence));
    expect(readdirSync(root).sort()).toEqual(['b', 'index.jsonl']); // station a lost all its clips: folder gone
  });
});
