// `npm run bench`: runs every bench/<name>.ts that exports `run()` several times, prints JSON and a
// table, and rewrites bench/RESULTS.md with the machine, the date and each figure's median and
// spread. `npm run bench -- mfcc pipeline` runs only those; BENCH_RUNS sets the repetitions.
// Each bench runs in a process of its own: in one process the memory bench's heap and the JIT
// state left by the others slowed the pipeline figures by a third.
import { cpus, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Figures = Record<string, number>;
interface BenchModule {
  run(): Promise<Figures>;
  /** Units per figure name, for the table. */
  units?: Record<string, string>;
  /** Runs to take the median over (default BENCH_RUNS or 3). */
  runs?: number;
}

const here = dirname(fileURLToPath(import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

type Summary = Record<string, { median: number; min: number; max: number; runs: number; unit: string }>;

/**
 * The "measured" stamp of each bench in a RESULTS.md table (from its first row). A partial run
 * keeps these for the benches it does not re-run: results.json has held dates only since they
 * were added, so older rows know theirs only from the table.
 */
export function measuredDates(md: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of md.split('\n')) {
    // | bench | figure | median | spread | unit | runs | measured |
    // (the date is the last cell: a unit may hold a '|' of its own)
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 9) continue;
    const [bench, measured] = [cells[1], cells[cells.length - 2]];
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(measured)) out[bench] ??= measured;
  }
  return out;
}

/** The table of RESULTS.md: every figure of every bench, each bench with its own date. */
export function resultsTable(results: Record<string, Summary>, dates: Record<string, string>): string {
  const rows: string[] = [];
  for (const [bench, figs] of Object.entries(results)) {
    for (const [k, v] of Object.entries(figs)) {
      rows.push(`| ${bench} | ${k} | ${fmt(v.median)} | ${fmt(v.min)} – ${fmt(v.max)} | ${v.unit} | ${v.runs} | ${(dates[bench] ?? 'unknown').slice(0, 16)} |`);
    }
  }
  return ['| bench | figure | median | spread (min – max) | unit | runs | measured |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

/** In a child process: run one bench its number of times and print its summary as one JSON line. */
async function child(name: string): Promise<void> {
  const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as Partial<BenchModule>;
  if (typeof mod.run !== 'function') return;
  const runs = Number(process.env.BENCH_RUNS) || mod.runs || 3;
  const samples: Figures[] = [];
  for (let i = 0; i < runs; i++) samples.push(await mod.run());
  const out: Summary = {};
  for (const key of Object.keys(samples[0])) {
    const xs = samples.map((s) => s[key]).filter((x) => Number.isFinite(x));
    out[key] = { median: xs.length ? median(xs) : Number.NaN, min: Math.min(...xs), max: Math.max(...xs), runs: xs.length, unit: mod.units?.[key] ?? '' };
  }
  // Exit once the line is out (a pipe write is asynchronous): benches may leave handles open.
  process.stdout.write(`\n${JSON.stringify(out)}\n`, () => process.exit(0));
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const names = readdirSync(here)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
    .map((f) => f.replace(/\.ts$/, ''))
    .filter((n) => only.length === 0 || only.includes(n))
    .sort();
  // A partial run (`npm run bench -- pipeline`) replaces only those benches in the saved results,
  // each keeping the date it was measured.
  const saved = join(here, 'results.json');
  const previous = only.length > 0 && existsSync(saved) ? (JSON.parse(readFileSync(saved, 'utf8')) as { results?: Record<string, Summary>; dates?: Record<string, string> }) : {};
  const results: Record<string, Summary> = { ...(previous.results ?? {}) };
  const table0 = join(here, 'RESULTS.md');
  const dates: Record<string, string> = {
    ...(only.length > 0 && existsSync(table0) ? measuredDates(readFileSync(table0, 'utf8')) : {}),
    ...(previous.dates ?? {}),
  };
  for (const name of names) {
    process.stderr.write(`bench ${name}\n`);
    let out: string;
    try {
      out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', name], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (err) {
      process.stderr.write(`bench ${name} failed: ${(err as Error).message}\n`);
      continue;
    }
    const line = out.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{')) continue;
    results[name] = JSON.parse(line) as (typeof results)[string];
    dates[name] = new Date().toISOString();
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const date = new Date().toISOString();
  process.stdout.write(`${JSON.stringify({ machine, date, results }, null, 2)}\n`);
  const table = resultsTable(results, dates);
  process.stdout.write(`\n${table}\n`);
  writeFileSync(
    join(here, 'RESULTS.md'),
    `# Benchmark results\n\nMachine: ${machine}\nDate: ${date}\nCommand: \`npm run bench\` (each bench in its own process; \`npm run bench -- <name>\` re-measures one)\n\n${table}\n`,
  );
  writeFileSync(saved, `${JSON.stringify({ machine, date, dates, results }, null, 2)}\n`);
}

// Run only as a script (imported, e.g. by its test, it does nothing).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--child') await child(process.argv[3]);
  else await main();
}
