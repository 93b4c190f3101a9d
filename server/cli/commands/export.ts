// `hydromon export`: detections of a time range as CSV, a Raven selection table or JSON lines.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXPORT_FORMATS, exportLines, type ExportFormat } from '../../export/export.ts';
import { parseTime } from '../../export/parse-time.ts';
import { openStore } from '../../store/open.ts';

interface ExportFlags {
  from: string;
  to: string;
  station?: string;
  species?: string;
  minConfidence?: string;
  format: string;
  influx?: string;
  data: string;
  out?: string;
}

async function writeAll(lines: AsyncIterable<string>, out: string | undefined): Promise<number> {
  let n = 0;
  if (out === undefined) {
    for await (const l of lines) {
      n++;
      if (!process.stdout.write(`${l}\n`)) await new Promise((r) => process.stdout.once('drain', r));
    }
    return n;
  }
  const tmp = `${out}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    let buf: string[] = [];
    for await (const l of lines) {
      n++;
      buf.push(l);
      if (buf.length >= 1000) {
        await fh.write(`${buf.join('\n')}\n`);
        buf = [];
      }
    }
    if (buf.length) await fh.write(`${buf.join('\n')}\n`);
    await fh.close();
    await rename(tmp, out); // never a half-written export under the real name
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return n;
}

export async function runExport(f: ExportFlags): Promise<number> {
  if (!EXPORT_FORMATS.includes(f.format as ExportFormat)) {
    throw new Error(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${f.format}"`);
  }
  const from = parseTime(f.from, '--from');
  const to = parseTime(f.to, '--to');
  if (!(to > from)) throw new Error(`--to (${f.to}) must be after --from (${f.from})`);
  let minConfidence: number | undefined;
  if (f.minConfidence !== undefined) {
    minConfidence = Number(f.minConfidence);
    if (!(minConfidence >= 0 && minConfidence <= 1)) throw new Error(`--min-confidence must be between 0 and 1, got "${f.minConfidence}"`);
  }
  const influxUrl = f.influx ?? (process.env.HYDROMON_INFLUX_URL || undefined);
  if (influxUrl === undefined && !existsSync(join(f.data, 'detections'))) {
    throw new Error(`no embedded store in ${resolve(f.data)} (no detections/ folder); give --data <dir> or --influx <url>`);
  }
  const store = openStore({ influxUrl, dataDir: f.data, noSpool: true });
  try {
    const lines = exportLines(store, {
      from, to, format: f.format as ExportFormat,
      ...(f.station !== undefined ? { station: f.station } : {}),
      ...(f.species !== undefined ? { species: f.species } : {}),
      ...(minConfidence !== undefined ? { minConfidence } : {}),
    });
    return await writeAll(lines, f.out);
  } finally {
    await store.close();
  }
}

export function register(program: Command): void {
  program
    .command('export')
    .description('write the detections of a time range as CSV, a Raven selection table or JSON lines (oldest first)')
    .requiredOption('--from <time>', 'start, ISO 8601 (a time without zone is UTC), inclusive')
    .requiredOption('--to <time>', 'end, ISO 8601, exclusive')
    .option('--station <id>', 'only this station')
    .option('--species <label>', 'only this species')
    .option('--min-confidence <x>', 'only detections at least this confident (0..1)')
    .option('--format <format>', 'csv | raven | json (JSON lines: one detection per line)', 'csv')
    .option('--influx <url>', 'read from InfluxDB, e.g. http://127.0.0.1:8086/hydromon (credentials: HYDROMON_INFLUX_USER / HYDROMON_INFLUX_PASSWORD); default env HYDROMON_INFLUX_URL')
    .option('--data <dir>', 'embedded store folder when no InfluxDB is given', './data')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action(async (f: ExportFlags) => {
      const n = await runExport(f);
      if (f.out !== undefined) process.stderr.write(`hydromon export: ${n} line(s) written to ${f.out}\n`);
    });
}
