// `hydromon train` options: the shipped model's recipe is what a bare command trains, and options
// that only a statistics head can use fail, naming the problem, before any data is read.
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunOptions } from '../../../../models/train-run.ts';

// What the command hands the trainer (the trainer itself is tested in test/models/).
const seen: RunOptions[] = [];
vi.mock('../../../../models/train-run.ts', () => ({
  trainAndWrite: async (o: RunOptions) => {
    seen.push(o);
    return { name: 'm', threshold: 0.5, disjointTop: { accuracy: 0.5, macro_f1: 0.5 } };
  },
}));
const { register } = await import('../../../../server/cli/commands/train.ts');

async function run(args: string[]): Promise<RunOptions> {
  const program = new Command('hydromon').exitOverride();
  register(program);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'hydromon', 'train', '--manifest', '/data/manifest.csv', '--out', '/tmp/out', ...args]);
  } finally {
    out.mockRestore();
  }
  return seen[seen.length - 1];
}
afterEach(() => { seen.length = 0; });

describe('hydromon train options', () => {
  it('a bare command trains the shipped recipe: statistics head, rhythm row, statistics from whole clips and a quarter of the sliding windows, conv weight 0.2, band-limit 0.6, ship and rain noise', async () => {
    const o = await run([]);
    expect(o.arch).toBe('tcn-cmn-stats');
    expect(o.cfg?.rhythm).toBe(true);
    expect(o.statsViews).toBe(0.25);
    expect(o.convWeight).toBe(0.2);
    expect(o.minThreshold).toBe(0.5);
    expect(o.dataset?.pBandLimit).toBe(0.6);
    expect(o.seaNoise).toBe(80);
    expect(o.dataset?.seaNoiseMix).toBe(0.25);
    expect(o.dataset?.seaNoiseKinds).toEqual(['ship', 'rain']);
  });

  it('sea noise: off by default for other architectures, on when asked; unknown kinds are named', async () => {
    const other = await run(['--arch', 'tcn-cmn']);
    expect(other.seaNoise).toBe(0);
    expect(other.dataset?.seaNoiseMix).toBe(0);
    const asked = await run(['--arch', 'tcn-cmn', '--sea-noise', '40', '--sea-noise-mix', '0.1', '--sea-noise-kinds', 'ship,shrimp']);
    expect(asked.seaNoise).toBe(40);
    expect(asked.dataset?.seaNoiseMix).toBe(0.1);
    expect(asked.dataset?.seaNoiseKinds).toEqual(['ship', 'shrimp']);
    const off = await run(['--sea-noise', '0', '--sea-noise-mix', '0']);
    expect(off.seaNoise).toBe(0);
    await expect(run(['--sea-noise-kinds', 'ship,whales'])).rejects.toThrow('sea noise kinds must be some of ship, rain, shrimp, sounder, not "ship,whales"');
  });

  it('fault signals: the seven kinds by default, whine only when asked', async () => {
    expect((await run([])).syntheticKinds).toEqual(['white', 'pink', 'brown', 'dc', 'hum', 'clipped', 'quiet']);
    expect((await run(['--synthetic-kinds', 'hum,whine'])).syntheticKinds).toEqual(['hum', 'whine']);
    await expect(run(['--synthetic-kinds', 'hum,buzz'])).rejects.toThrow('not "hum,buzz"');
  });

  it('the noise under calls can be other kinds than the background examples', async () => {
    const same = await run(['--sea-noise-kinds', 'ship,shrimp']);
    expect(same.seaNoiseKinds).toEqual(['ship', 'shrimp']);
    expect(same.dataset?.seaNoiseKinds).toEqual(['ship', 'shrimp']);
    const split = await run(['--sea-noise-kinds', 'ship,rain,shrimp', '--sea-noise-mix-kinds', 'ship,rain']);
    expect(split.seaNoiseKinds).toEqual(['ship', 'rain', 'shrimp']);
    expect(split.dataset?.seaNoiseKinds).toEqual(['ship', 'rain']);
    await expect(run(['--sea-noise-mix-kinds', 'krill'])).rejects.toThrow('not "krill"');
  });

  it('each part of the recipe can be turned off', async () => {
    const o = await run(['--no-rhythm', '--stats-views', 'all', '--conv-weight', '1']);
    expect(o.cfg?.rhythm).toBeUndefined();
    expect(o.statsViews).toBe('all');
    expect(o.convWeight).toBe(1);
    // the joint loss has no statistics-head loss to restrict
    expect((await run(['--head-loss', 'joint'])).statsViews).toBe('all');
  });

  it('the threshold floor: 0 turns it off, other architectures have none unless given, 1 and above are refused', async () => {
    expect((await run(['--min-threshold', '0'])).minThreshold).toBe(0);
    expect((await run(['--arch', 'tcn-cmn'])).minThreshold).toBeUndefined();
    expect((await run(['--arch', 'tcn-cmn', '--min-threshold', '0.4'])).minThreshold).toBe(0.4);
    await expect(run(['--min-threshold', '1'])).rejects.toThrow("--min-threshold must be a number from 0 up to (not including) 1, got '1'");
    await expect(run(['--min-threshold', 'high'])).rejects.toThrow("got 'high'");
  });

  it('other architectures train without them', async () => {
    const o = await run(['--arch', 'tcn-cmn']);
    expect(o.cfg?.rhythm).toBeUndefined();
    expect(o.statsViews).toBeUndefined();
    expect(o.convWeight).toBeUndefined();
  });

  it('--rhythm, --conv-weight and --stats-views need tcn-cmn-stats, naming the architecture given', async () => {
    await expect(run(['--rhythm', '--arch', 'tcn-cmn'])).rejects.toThrow('--rhythm needs --arch tcn-cmn-stats (only its statistics head reads the rhythm row), not tcn-cmn');
    await expect(run(['--arch', 'tcn-cmn', '--conv-weight', '0.5'])).rejects.toThrow('--conv-weight needs --arch tcn-cmn-stats (a conv branch and a statistics head), not tcn-cmn');
    await expect(run(['--arch', 'seed-cnn', '--stats-views', 'whole'])).rejects.toThrow('--stats-views needs --arch tcn-cmn-stats');
    expect(seen).toHaveLength(0);
  });

  it('a conv weight outside 0–1 and an unknown --stats-views are refused', async () => {
    await expect(run(['--conv-weight', '2'])).rejects.toThrow(/conv-weight/);
    await expect(run(['--stats-views', 'windows'])).rejects.toThrow('--stats-views must be all, whole or a share of the sliding windows from 0 to 1, not windows');
    await expect(run(['--stats-views', '1.5'])).rejects.toThrow('not 1.5');
    await expect(run(['--recorder-response', '-1'])).rejects.toThrow('--recorder-response must be a number ≥ 0');
    expect(seen).toHaveLength(0);
  });

  it('--stats-views takes a share of the sliding windows; --recorder-response a size in dB (4 unless given)', async () => {
    expect((await run(['--stats-views', '0.25'])).statsViews).toBe(0.25);
    expect((await run([])).recorderResponseDb).toBe(4);
    expect((await run(['--recorder-response', '8'])).recorderResponseDb).toBe(8);
  });
});
