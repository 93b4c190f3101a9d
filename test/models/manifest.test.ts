import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingClips, readManifest, readManifests } from '../../models/manifest.ts';

describe('manifests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  mkdirSync(join(dir, 'set', 'a'), { recursive: true });
  writeFileSync(join(dir, 'set', 'a', 'one.wav'), '');
  writeFileSync(join(dir, 'two.wav'), '');
  // one path relative to the manifest's folder, one relative to its parent (the shared data's style)
  writeFileSync(join(dir, 'set', 'm.csv'), 'path,species,tape_id\na/one.wav,"Beluga",T1\ntwo.wav,Orca,\n');

  it('resolves paths next to the manifest, then one level up, and groups by tape', () => {
    const clips = readManifest(join(dir, 'set', 'm.csv'));
    expect(clips.map((c) => c.path)).toEqual([join(dir, 'set', 'a', 'one.wav'), join(dir, 'two.wav')]);
    expect(clips[0].group).toBe('T1');
    // keys are relative to the manifest's folder whatever the install path; no tape: the file is its own group
    expect(clips.map((c) => c.key)).toEqual(['a/one.wav', '../two.wav']);
    expect(clips[1].group).toBe('../two.wav');
    expect(missingClips(clips)).toEqual([]);
  });
  it('merges manifests without duplicates', () => {
    expect(readManifests([join(dir, 'set', 'm.csv'), join(dir, 'set', 'm.csv')])).toHaveLength(2);
  });
  it('names the manifest and row on bad input', () => {
    writeFileSync(join(dir, 'bad.csv'), 'path,species\nx.wav,\n');
    expect(() => readManifest(join(dir, 'bad.csv'))).toThrow(/bad\.csv: row 2/);
    writeFileSync(join(dir, 'nohead.csv'), 'file,label\nx.wav,A\n');
    expect(() => readManifest(join(dir, 'nohead.csv'))).toThrow(/'path' and 'species'/);
    expect(() => readManifest(join(dir, 'absent.csv'))).toThrow(/absent\.csv: cannot read/);
  });
});
