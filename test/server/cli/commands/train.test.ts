// `hydromon train` option checks that must fail before any data is read: --rhythm only with the
// statistics head that reads the row, --stats-views only all or whole.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register } from '../../../../server/cli/commands/train.ts';

async function run(args: string[]): Promise<void> {
  const program = new Command('hydromon').exitOverride();
  register(program);
  await program.parseAsync(['node', 'hydromon', 'train', '--manifest', '/nonexistent/manifest.csv', '--out', '/nonexistent/out', ...args]);
}

describe('hydromon train options', () => {
  it('--rhythm needs tcn-cmn-stats, naming the architecture given', async () => {
    await expect(run(['--rhythm', '--arch', 'tcn-cmn'])).rejects.toThrow('--rhythm needs --arch tcn-cmn-stats (only its statistics head reads the rhythm row), not tcn-cmn');
  });

  it('--conv-weight needs a conv branch and a statistics head, and a weight within 0–1', async () => {
    await expect(run(['--arch', 'tcn-cmn', '--conv-weight', '0.5'])).rejects.toThrow('--conv-weight needs --arch tcn-cmn-stats (a conv branch and a statistics head), not tcn-cmn');
    await expect(run(['--arch', 'tcn-cmn-stats', '--conv-weight', '2'])).rejects.toThrow(/conv-weight/);
  });

  it('--stats-views takes all or whole', async () => {
    await expect(run(['--arch', 'tcn-cmn-stats', '--stats-views', 'windows'])).rejects.toThrow('--stats-views must be all or whole, not windows');
  });

  it('valid options get past the checks to the data (here: a manifest that is not there)', async () => {
    await expect(run(['--arch', 'tcn-cmn-stats', '--rhythm', '--stats-views', 'whole', '--epochs', '1'])).rejects.toThrow(/nonexistent/);
  });
});
