// `hydromon evaluate`: clip-level metrics of a model on the clips of one or more manifests.
import type { Command } from 'commander';
import { evaluateClips } from '../../../models/evaluate.ts';
import { LONG_CLIP_S } from '../../../models/long-clip.ts';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('clip-level accuracy, macro-F1, per-class metrics and confusion matrix of a model')
    .requiredOption('--manifest <csv>', 'clip manifest (path,species,…); repeat to merge', collect, [])
    .option('--model <dir>', 'model folder (default: the shipped model)')
    .option('--json', 'print the metrics as JSON')
    .action(async (opts: { manifest: string[]; model?: string; json?: boolean }) => {
      const r = await evaluateClips(opts.manifest, opts.model);
      const { n, accuracy, macro_f1, per_class, confusion } = r.metrics;
      if (opts.json) {
        process.stdout.write(JSON.stringify({ n, accuracy, macro_f1, per_class, confusion, skipped: r.skipped, by_events: r.byEvents }, null, 1) + '\n');
        return;
      }
      const out: string[] = [`model ${r.model}: ${n} clips, accuracy ${(100 * accuracy).toFixed(1)} %, macro-F1 ${macro_f1.toFixed(3)}, skipped ${r.skipped} (species unknown to the model)${r.byEvents > 0 ? `, ${r.byEvents} clip(s) over ${LONG_CLIP_S} s decided by their energy events` : ''}`];
      out.push('class'.padEnd(28) + 'precision  recall  f1     support');
      for (const [l, c] of Object.entries(per_class)) {
        if (c.support === 0 && c.precision === 0) continue;
        out.push(l.padEnd(28) + `${c.precision.toFixed(3).padEnd(11)}${c.recall.toFixed(3).padEnd(8)}${c.f1.toFixed(3).padEnd(7)}${c.support}`);
      }
      process.stdout.write(out.join('\n') + '\n');
    });
}
