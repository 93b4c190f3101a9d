// `hydromon classify <file>`: the model's top species for one recording, with probabilities;
// 'unknown' below the model's threshold. A file over LONG_CLIP_S (10 s) is classified by its energy events.
import type { Command } from 'commander';
import { classifyFile } from '../../../models/classify-file.ts';
import { LONG_CLIP_S } from '../../../models/long-clip.ts';

export function register(program: Command): void {
  program
    .command('classify <file>')
    .description(`top species of a recording with probabilities (unknown below the threshold); a file over ${LONG_CLIP_S} s by the vote of its energy events`)
    .option('--model <dir>', 'model folder (default: the shipped model)')
    .option('--top <n>', 'how many labels to list', '3')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { model?: string; top: string; json?: boolean }) => {
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 1) throw new Error(`--top must be a positive integer, got '${opts.top}'`);
      const r = await classifyFile(file, opts.model, top);
      if (opts.json) { process.stdout.write(JSON.stringify(r, null, 1) + '\n'); return; }
      const lines = [`${file}: ${r.species} (${(100 * r.confidence).toFixed(1)} %; threshold ${(100 * r.threshold).toFixed(0)} %, model ${r.model})`];
      if (r.events) {
        lines.push(`  ${r.seconds.toFixed(1)} s: ${r.events.detections} detections in ${r.events.events} events`);
        for (const v of r.events.votes.slice(0, top)) lines.push(`  ${v.species.padEnd(28)} ${String(v.detections).padStart(5)} × (mean ${(100 * v.confidence).toFixed(1)} %)`);
      } else {
        for (const t of r.top) lines.push(`  ${t.label.padEnd(28)} ${(100 * t.probability).toFixed(1).padStart(5)} %`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}
