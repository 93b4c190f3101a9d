// Every CLI command is loaded when the CLI starts (main.ts), so one static tfjs import anywhere
// among them puts ~43 MB of tfjs heap into `hydromon run` and `replay`, which never use it.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../models/paths.ts';
import { staticImports } from '../../helpers/import-graph.ts';

describe('CLI commands load no tfjs statically', () => {
  const dir = join(projectRoot, 'server', 'cli', 'commands');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it('finds the commands (train, replay, run among them)', () => {
    expect(files).toEqual(expect.arrayContaining(['train.ts', 'replay.ts', 'run.ts']));
  });

  for (const f of files) {
    it(f, () => {
      const { packages } = staticImports(join(dir, f));
      const tf = [...packages].filter(([p]) => p.startsWith('@tensorflow/')).map(([p, by]) => `${p} (imported by ${by.slice(projectRoot.length + 1)})`);
      expect(tf).toEqual([]);
    });
  }
});
