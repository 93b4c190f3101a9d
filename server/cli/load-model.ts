// Which model a command runs with: --model <dir>, else the shipped default; --no-model runs the
// pipeline without classification (windows only). A model that cannot load is an error, not a
// silent fallback: a monitor that quietly stopped naming species would be worse than one that stops.
import { existsSync } from 'node:fs';
import type { WindowClassifier } from '../../streams/types.ts';

export async function loadModelOption(model: string | boolean | undefined): Promise<WindowClassifier | null> {
  if (model === false) return null;
  const mod = await import('../../models/classifier.ts');
  const dir = typeof model === 'string' ? model : mod.defaultModelDir();
  if (typeof model !== 'string' && !existsSync(dir)) {
    process.stderr.write(`hydromon: no shipped model at ${dir}; running without classification\n`);
    return null;
  }
  return mod.loadWindowClassifier(dir);
}
