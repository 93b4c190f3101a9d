// scripts/paired-runs.ts: the runs it plans, the training options it refuses, and a real pair of
// tiny training runs (tones as species) through `hydromon train`, scored as the trainer scored them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrainArgs, plan, table, type RunScore } from '../../scripts/paired-runs.ts';
import { mix, noise, tone, writeWav } from '../helpers/signals.ts';

describe('plan and checkTrainArgs', () => {
  it('pairs every init with every split, one folder each', () => {
    expect(plan('bck', [1, 2], [21, 22], '/r').map((r) => r.dir)).toEqual(['/r/bck-i21-s1', '/r/bck-i21-s2', '/r/bck-i22-s1', '/r/bck-i22-s2']);
    expect(() => plan('a b', [1], [1], '/r')).toThrow(/--tag/);
  });

  it('wants manifests and refuses the options it sets itself for each run', () => {
    expect(checkTrainArgs(['--manifest', 'a.csv', '--arch', 'tcn', '--manifest=b.csv'])).toEqual(['a.csv', 'b.csv']);
    expect(() => checkTrainArgs(['--arch', 'tcn'])).toThrow(/--manifest/);
    expect(() => checkTrainArgs(['--manifest', 'a.csv', '--seed', '3'])).toThrow(/--seed is set by the script/);
    expect(() => checkTrainArgs(['--manifest', 'a.csv', '--refit-all'])).toThrow(/--refit-all/);
  });

  it('tables the runs with their mean', () => {
    const rows: RunScore[] = [
      { init: 1, split: 1, n: 10, scores: { native: { accuracy: 0.5, macroF1: 0.4 }, 16000: { accuracy: 0.3, macroF1: 0.2 } } },
      { init: 2, split: 1, n: 10, scores: { native: { accuracy: 0.7, macroF1: 0.6 }, 16000: { accuracy: 0.5, macroF1: 0.4 } } },
    ];
    const t = table(rows);
    expect(t).toContain('| split | init | clips | native rate | 16000 Hz |');
    expect(t).toContain('| **mean** | | | **60.0 % / 0.500** | **40.0 % / 0.300** |');
  });
});

describe('paired-runs end to end', () => {
  const script = join(import.meta.dirname, '..', '..', 'scripts', 'paired-runs.ts');
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', timeout: 240_000 });

  it('trains each (init, split) once through hydromon train, scores it as the trainer did, and resumes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paired-'));
    mkdirSync(join(dir, 'clips'));
    const rows = ['path,species,tape_id'];
    let seed = 1;
    for (const [label, f] of [['low', 300], ['mid', 1200], ['high', 3500]] as const) {
      for (let tape = 0; tape < 4; tape++) {
        for (let k = 0; k < 2; k++) {
          const sr = [8000, 16000, 22050, 44100][tape];
          writeWav(join(dir, 'clips', `${label}-${tape}-${k}.wav`), mix(tone(f * (1 + 0.02 * k), 0.6 + 0.2 * k, sr, 0.3), noise(0.6 + 0.2 * k, sr, 0.01, seed++)), sr);
          rows.push(`clips/${label}-${tape}-${k}.wav,${label},${label}-tape${tape}`);
        }
      }
    }
    writeFileSync(join(dir, 'manifest.csv'), rows.join('\n') + '\n');
    const runs = join(dir, 'runs');
    const args = ['--tag', 't', '--splits', '1', '--inits', '1,2', '--rates', '16000', '--jobs', '2', '--runs', runs, '--',
      '--manifest', join(dir, 'manifest.csv'), '--arch', 'tcn', '--epochs', '2', '--patience', '2', '--variants', '1', '--batch-size', '8'];
    const first = run(args);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain('2 runs, 0 already trained, 2 to train');
    const out = JSON.parse(readFileSync(join(runs, 't.json'), 'utf8')) as { rows: RunScore[] };
    expect(out.rows.map((r) => [r.init, r.split])).toEqual([[1, 1], [2, 1]]);
    for (const r of out.rows) {
      // the same unseen-tape clips and the same top labels as the trainer's own metrics
      const m = JSON.parse(readFileSync(join(runs, `t-i${r.init}-s1`, 'metrics.json'), 'utf8')) as { disjointTop: { n: number; accuracy: number } };
      expect(r.n).toBe(m.disjointTop.n);
      expect(r.scores.native.accuracy).toBeCloseTo(m.disjointTop.accuracy, 6);
      expect(Object.keys(r.scores).sort()).toEqual(['16000', 'native']);
    }
    expect(first.stdout).toContain('| **mean** |');
    const again = run(args);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('2 runs, 2 already trained, 0 to train');
    expect((JSON.parse(readFileSync(join(runs, 't.json'), 'utf8')) as { rows: RunScore[] }).rows).toEqual(out.rows);
  }, 300_000);

  it('a run that fails is named with its log, and the script exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paired-bad-'));
    writeFileSync(join(dir, 'manifest.csv'), 'path,species,tape_id\n');
    const res = run(['--tag', 'bad', '--splits', '1', '--inits', '1', '--runs', join(dir, 'runs'), '--', '--manifest', join(dir, 'manifest.csv'), '--arch', 'no-such-arch']);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/training .*bad-i1-s1 failed \(exit 1\); see .*bad-i1-s1\.log/);
    expect(readFileSync(join(dir, 'runs', 'bad-i1-s1.log'), 'utf8')).toMatch(/--arch/);
  }, 120_000);
});
