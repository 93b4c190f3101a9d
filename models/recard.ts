// Re-renders a model's card with baselines trained after it:
// node --import tsx models/recard.ts models/<name> data/runs/seed-cnn data/runs/dense-baseline
import { resolve } from 'node:path';
import { rerenderCard } from './train-run.ts';

const [dir, ...compare] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: node --import tsx models/recard.ts <model-dir> [<baseline-dir> …]\n');
  process.exit(2);
}
rerenderCard(resolve(dir), compare.map((d) => resolve(d)));
