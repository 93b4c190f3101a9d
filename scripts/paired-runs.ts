// Paired training runs: one recipe over split seeds × init seeds, each split model scored on its
// unseen-tape clips at their own rate and resampled to slower recorder rates. With few tapes per
// species one run moves by ±8 points, so two recipes are compared run by run on the same seeds; the
// model card's comparison tables come from this.
//   node --import tsx scripts/paired-runs.ts --tag <name> [--splits 1,2,3] [--inits 21,22]
//     [--rates 22050,16000] [--jobs 2] [--runs data/runs] -- <hydromon train options, --manifest …>
// Each run goes to <runs>/<tag>-i<init>-s<split> (log beside it); a folder with a finished model is
// scored again, not retrained. Prints a table and writes <runs>/<tag>.json.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resampleCheck } from '../models/checks.ts';
import { loadClassifier } from '../models/classifier.ts';
import { readManifests } from '../models/manifest.ts';
import { projectRoot } from '../models/paths.ts';
import { groupSplit } from '../models/split.ts';
import { initDsp } from '../streams/dsp/fft.ts';

export interface PairedRun { readonly init: number; readonly split: number; readonly dir: string }
export interface RunScore { readonly init: number; readonly split: number; readonly n: number; readonly scores: Record<string, { readonly accuracy: number; readonly macroF1: number }> }

/** Options the script sets itself; given among the training options they would make the runs unpaired. */
const OWN = ['--seed', '--init-seed', '--out', '--skip-checks', '--refit-all', '--cross-splits', '--name'];

export function plan(tag: string, splits: readonly number[], inits: readonly number[], runs: string): PairedRun[] {
  if (!/^[\w.-]+$/.test(tag)) throw new Error(`paired-runs: --tag must be letters, digits, '.', '_' or '-', not ${JSON.stringify(tag)}`);
  return inits.flatMap((init) => splits.map((split) => ({ init, split, dir: join(runs, `${tag}-i${init}-s${split}`) })));
}

/** The training options after `--`: they must name manifests and leave the seeds and output to this script. */
export function checkTrainArgs(args: readonly string[]): string[] {
  const own = args.filter((a) => OWN.includes(a.split('=')[0]));
  if (own.length > 0) throw new Error(`paired-runs: ${own.join(', ')} is set by the script for each run; leave it out of the training options`);
  const manifests = args.flatMap((a, i) => (a === '--manifest' && args[i + 1] ? [args[i + 1]] : a.startsWith('--manifest=') ? [a.slice('--manifest='.length)] : []));
  if (manifests.length === 0) throw new Error('paired-runs: the training options (after --) need at least one --manifest');
  return manifests;
}

/** Trains one run with `hydromon train` in a child process; resolves when it ends (rejects on failure, naming the log). */
function trainRun(r: PairedRun, trainArgs: readonly string[]): Promise<void> {
  const log = `${r.dir}.log`;
  const out = createWriteStream(log);
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'hydromon.mjs'), 'train', ...trainArgs, '--seed', String(r.split), '--init-seed', String(r.init), '--skip-checks', '--out', r.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  return new Promise((ok, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      out.end();
      if (code === 0) ok();
      else fail(new Error(`paired-runs: training ${r.dir} failed (exit ${code}); see ${log}`));
    });
  });
}

/** Runs `f` over `items` with at most `jobs` at once; every item runs, failures are collected. */
async function pool<T>(items: readonly T[], jobs: number, f: (x: T) => Promise<void>): Promise<Error[]> {
  const errors: Error[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const x = items[next++];
      await f(x).catch((e: unknown) => { errors.push(e instanceof Error ? e : new Error(String(e))); });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return errors;
}

/** Top label of a saved split model on its split's unseen-tape clips, at their own rate and at each of `rates`. */
export async function scoreRun(r: PairedRun, manifests: readonly string[], rates: readonly number[]): Promise<RunScore> {
  const clf = await loadClassifier(r.dir);
  try {
    const clips = readManifests(manifests);
    const split = groupSplit(clips, 0.25, r.split);
    const same = new Set(split.sameTapeSpecies);
    const val = split.val.filter((c) => !same.has(c.species) && clf.labels.includes(c.species));
    // the card's own resampling check, run on the saved model
    const checks = await resampleCheck(val, async (xs) => clf.predictBatch(xs).map((p) => p.probs!), clf.labels, clf.featureConfig, rates);
    const scores = Object.fromEntries(checks.map((c) => [String(c.rate), { accuracy: c.metrics.accuracy, macroF1: c.metrics.macro_f1 }]));
    return { init: r.init, split: r.split, n: val.length, scores };
  } finally {
    clf.dispose();
  }
}

export function table(rows: readonly RunScore[]): string {
  // the clips' own rate first, then slower recorders (object keys put numbers first)
  const cols = Object.keys(rows[0]?.scores ?? {}).sort((a, b) => (a === 'native' ? -1 : b === 'native' ? 1 : Number(b) - Number(a)));
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const mean = (k: string, f: 'accuracy' | 'macroF1'): number => rows.reduce((a, r) => a + r.scores[k][f], 0) / rows.length;
  return [
    `| split | init | clips | ${cols.map((c) => (c === 'native' ? 'native rate' : `${c} Hz`)).join(' | ')} |`,
    `|---|---|---|${cols.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.split} | ${r.init} | ${r.n} | ${cols.map((c) => `${pct(r.scores[c].accuracy)} / ${r.scores[c].macroF1.toFixed(3)}`).join(' | ')} |`),
    `| **mean** | | | ${cols.map((c) => `**${pct(mean(c, 'accuracy'))} / ${mean(c, 'macroF1').toFixed(3)}**`).join(' | ')} |`,
  ].join('\n');
}

const ints = (name: string, s: string): number[] => s.split(',').map((x) => {
  const n = Number(x);
  if (!Number.isInteger(n) || n < 1) throw new Error(`paired-runs: --${name} takes whole numbers ≥ 1 separated by commas, not ${JSON.stringify(s)}`);
  return n;
});

async function main(): Promise<void> {
  const dash = process.argv.indexOf('--');
  const own = dash < 0 ? process.argv.slice(2) : process.argv.slice(2, dash);
  const trainArgs = dash < 0 ? [] : process.argv.slice(dash + 1);
  const { values } = parseArgs({ args: own, options: { tag: { type: 'string' }, splits: { type: 'string', default: '1,2,3' }, inits: { type: 'string', default: '21,22' }, rates: { type: 'string', default: '22050,16000' }, jobs: { type: 'string', default: '2' }, runs: { type: 'string', default: join(projectRoot, 'data', 'runs') } } });
  if (!values.tag) throw new Error('paired-runs: --tag <name> is required (runs go to <runs>/<tag>-i<init>-s<split>)');
  const manifests = checkTrainArgs(trainArgs).map((m) => resolve(m));
  const runs = resolve(values.runs);
  mkdirSync(runs, { recursive: true });
  const todo = plan(values.tag, ints('splits', values.splits), ints('inits', values.inits), runs);
  const toTrain = todo.filter((r) => !existsSync(join(r.dir, 'metrics.json')));
  process.stderr.write(`paired-runs: ${todo.length} runs, ${todo.length - toTrain.length} already trained, ${toTrain.length} to train (${values.jobs} at a time)\n`);
  const failed = await pool(toTrain, ints('jobs', values.jobs)[0], (r) => trainRun(r, trainArgs));
  failed.forEach((e) => process.stderr.write(`${e.message}\n`));
  await initDsp();
  const rows: RunScore[] = [];
  for (const r of todo.filter((x) => existsSync(join(x.dir, 'metrics.json')))) rows.push(await scoreRun(r, manifests, ints('rates', values.rates)));
  if (rows.length > 0) process.stdout.write(`${table(rows)}\n`);
  writeFileSync(join(runs, `${values.tag}.json`), JSON.stringify({ trainArgs, rows }, null, 1) + '\n');
  if (failed.length > 0) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`); process.exitCode = 1; });
}
