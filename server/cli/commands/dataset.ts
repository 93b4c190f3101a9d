// `hydromon dataset watkins`: build the 32-species Watkins "best of" training set in one command
// (polite, resumable; see models/watkins-download). The work is in runWatkinsCommand so tests can
// drive it with their own streams; register() only wires it into commander.
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { resolve } from 'node:path';
import { downloadWatkins, WATKINS_BASE_URL } from '../../../models/watkins-download/download-watkins.ts';
import type { DownloadEvent, WatkinsDownloadSummary } from '../../../models/watkins-download/types.ts';

export interface WatkinsCommandOptions {
  readonly out: string;
  readonly species?: readonly string[];
  readonly concurrency: number;
  readonly delayMs: number;
  readonly baseUrl: string;
  readonly retries: number;
  readonly timeoutMs: number;
}

export interface CommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Draw a progress bar (on stderr) instead of one line per file. */
  readonly tty: boolean;
  readonly signal?: AbortSignal;
}

function intOption(min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got "${v}"`);
    return n;
  };
}

function urlOption(v: string): string {
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
    return u.href;
  } catch {
    throw new InvalidArgumentError(`expected an http(s) URL, got "${v}"`);
  }
}

/** Human summary of a finished run (also what tests read). */
export function formatSummary(s: WatkinsDownloadSummary, outDir: string): string {
  const cuts = s.species.reduce((n, x) => n + x.cuts, 0);
  const lines = [
    `Watkins "best of": ${s.species.length} species, ${cuts} cuts → ${outDir}`,
    `  downloaded ${s.downloaded}, already complete ${s.skipped}, copied (listed under two species) ${s.copied}, failed ${s.failed.length}, retries ${s.retries}`,
    `  manifest: ${s.manifestPath} (${s.manifestRows} rows)`,
  ];
  if (s.multiSpecies.length > 0) {
    lines.push(`  cuts listed under two species (${s.multiSpecies.length}): ${s.multiSpecies.map((m) => `${m.fileId} (${m.species.join(', ')})`).join('; ')}`);
  }
  if (s.pageErrors.length > 0) {
    lines.push(`  species pages that failed (${s.pageErrors.length}):`);
    for (const p of s.pageErrors) lines.push(`    ${p.reason}`);
  }
  if (s.failed.length > 0) {
    lines.push(`  failed cuts (${s.failed.length}):`);
    for (const f of s.failed) lines.push(`    ${f.species} ${f.fileId}: ${f.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

function reporter(io: CommandIo): { onEvent: (e: DownloadEvent) => void; stop: () => void } {
  if (io.tty) {
    const bar = new SingleBar({
      stream: io.stderr,
      format: 'watkins {bar} {percentage}% | {value}/{total} | failed {failed} | retries {retries} | {file}',
      hideCursor: true,
      clearOnComplete: false,
      // The caller decided this is a terminal; draw even if the stream object does not say so.
      noTTYOutput: true,
    });
    let failed = 0;
    let retries = 0;
    let started = false;
    return {
      onEvent: (e) => {
        if (e.type === 'plan') {
          bar.start(e.total, 0, { failed, retries, file: '' });
          started = true;
        } else if (e.type === 'retry') {
          retries++;
          if (started) bar.update({ retries });
        } else if (e.type === 'cut' && started) {
          if (e.outcome === 'failed') failed++;
          bar.increment(1, { failed, file: e.path });
        }
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let done = 0;
  let total = 0;
  const say = (line: string): void => void io.stderr.write(`${line}\n`);
  return {
    onEvent: (e) => {
      switch (e.type) {
        case 'index':
          return say(`index ${e.url}: ${e.species.length} species`);
        case 'species-page':
          return say(`species ${e.species}: ${e.cuts} cuts`);
        case 'plan':
          total = e.total;
          return say(`${total} files to check`);
        case 'retry':
          return say(`retry ${e.attempt} of ${e.url} in ${Math.round(e.delayMs)} ms: ${e.reason}`);
        case 'cut':
          done++;
          return say(`[${done}/${total}] ${e.outcome} ${e.path}${e.reason === undefined ? '' : `: ${e.reason}`}`);
      }
    },
    stop: () => undefined,
  };
}

/** Run the download; resolves to the process exit code (1 if anything failed). */
export async function runWatkinsCommand(opts: WatkinsCommandOptions, io: CommandIo): Promise<number> {
  const outDir = resolve(opts.out);
  const rep = reporter(io);
  let summary: WatkinsDownloadSummary;
  try {
    summary = await downloadWatkins({
      outDir,
      baseUrl: opts.baseUrl,
      species: opts.species,
      concurrency: opts.concurrency,
      delayMs: opts.delayMs,
      retries: opts.retries,
      timeoutMs: opts.timeoutMs,
      signal: io.signal,
      onEvent: rep.onEvent,
    });
  } catch (err) {
    rep.stop();
    if (io.signal?.aborted === true) {
      io.stderr.write(`interrupted: files completed so far are kept; run the same command again to resume\n`);
      return 130;
    }
    throw err;
  }
  rep.stop();
  io.stdout.write(formatSummary(summary, outDir));
  return summary.failed.length > 0 || summary.pageErrors.length > 0 ? 1 : 0;
}

export function register(program: Command): void {
  const dataset = program.command('dataset').description('Build training data sets');
  dataset
    .command('watkins')
    .description('Download the Watkins Marine Mammal Sound Database "best of" cuts (32 species) with a manifest for `hydromon train`; rerun to resume')
    .requiredOption('--out <dir>', 'output folder (<dir>/<species>/<file id>.wav and <dir>/manifest.csv)')
    .option('--species <name...>', 'only these species (names as on the site, or folder slugs)')
    .option('--concurrency <n>', 'requests in flight per host', intOption(1), 2)
    .option('--delay-ms <ms>', 'minimum gap between request starts per host', intOption(0), 1000)
    .option('--retries <n>', 'retries per request on 429/5xx/timeouts/broken transfers', intOption(0), 5)
    .option('--timeout-ms <ms>', 'timeout per request attempt', intOption(1), 60_000)
    .option('--base-url <url>', 'the site\'s whalesounds folder (or its index page)', urlOption, WATKINS_BASE_URL)
    .action(async (o: WatkinsCommandOptions) => {
      const ac = new AbortController();
      const onSigint = (): void => ac.abort(new Error('interrupted'));
      process.once('SIGINT', onSigint);
      try {
        process.exitCode = await runWatkinsCommand(o, {
          stdout: process.stdout,
          stderr: process.stderr,
          tty: process.stderr.isTTY === true,
          signal: ac.signal,
        });
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
