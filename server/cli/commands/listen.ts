// `hydromon listen <source>`: open any source (live or archive) and print what arrives.
// What happens to the chunks is one function (`consumeChunks`), so the per-chunk summary can be
// swapped for the station pipeline (windows → features → classify) without touching the rest.
import type { Command } from 'commander';
import type { Observable } from 'rxjs';
import { archiveSource } from '../../../streams/sources/archive.ts';
import { openSource, parseSource } from '../../../streams/sources/parse-source.ts';
import type { PcmChunk, SourceContext, SourceEvent } from '../../../streams/types.ts';
import { parsePositive } from '../parse.ts';
import { loadModelOption } from '../load-model.ts';
import { runStation } from '../run-station.ts';

export interface ListenOutput {
  readonly json: boolean;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Level of a chunk, dBFS (−∞ for digital silence is printed as null in JSON). */
export function rmsDb(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return x.length === 0 ? -Infinity : 10 * Math.log10(s / x.length);
}

/** One line per chunk: station, t0 (ISO), samples, rms_db. */
export function chunkLine(c: PcmChunk, json: boolean): string {
  const db = rmsDb(c.samples);
  const iso = new Date(c.t0).toISOString();
  if (json) return JSON.stringify({ station: c.station, seq: c.seq, t0: iso, sampleRate: c.sampleRate, samples: c.samples.length, rms_db: Number.isFinite(db) ? Math.round(db * 10) / 10 : null });
  return `${iso}  ${c.station}  #${c.seq}  ${c.samples.length} samples @ ${c.sampleRate} Hz  ${Number.isFinite(db) ? db.toFixed(1) : '-inf'} dBFS`;
}

export function eventLine(e: SourceEvent, json: boolean): string {
  if (json) return JSON.stringify(e);
  switch (e.type) {
    case 'status':
      return `[${e.station}] ${e.state}${e.message ? `: ${e.message}` : ''}`;
    case 'gap':
      return `[${e.station}] gap of ${e.lengthS.toFixed(3)} s at ${new Date(e.start).toISOString()}: ${e.reason}`;
    case 'clock':
      return `[${e.station}] clock: ${e.message} (drift ${e.driftS.toFixed(3)} s)`;
    case 'error':
      return `[${e.station}] error: ${e.message}`;
  }
}

/**
 * What `listen` does with the audio: print a summary line per chunk. Resolves when the source
 * completes or `signal` aborts (unsubscribing, which stops the source); rejects on a fatal error.
 */
export function consumeChunks(source: Observable<PcmChunk>, out: ListenOutput, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const sub = source.subscribe({
      next: (c) => out.out(chunkLine(c, out.json)),
      error: (e: Error) => {
        signal.removeEventListener('abort', stop);
        reject(e);
      },
      complete: () => {
        signal.removeEventListener('abort', stop);
        resolve();
      },
    });
    function stop(): void {
      sub.unsubscribe();
      resolve();
    }
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}

/** The source behind a spec: live kinds via openSource, files/folders replayed at real time. */
export function listenSource(spec: string, ctx: SourceContext): Observable<PcmChunk> {
  const desc = parseSource(spec);
  if (desc.kind === 'archive') return archiveSource({ station: ctx.station, path: desc.path, speed: 1, report: ctx.report });
  return openSource(desc, ctx);
}

export function register(program: Command): void {
  program
    .command('listen')
    .description('listen to a live source and print one line per detection, as replay does (status, gaps and clock events on stderr)')
    .argument('<source>', 'http(s)://…[.m3u8] | orcasound:<base-url> | tcp://host:port | ws://host:port/path | portaudio:<device> | file or folder')
    .option('--for <seconds>', 'stop after this many seconds')
    .option('--json', 'one JSON object per line')
    .option('--station <id>', 'station id', 'listen')
    .option('--chunks', 'print one line per audio chunk (level, time) instead of running the pipeline')
    .option('--windows', 'print every window with its top species, not only detections')
    .option('--events', 'also cut energy events, not only sliding windows')
    .option('--model <dir>', 'model folder (default: the shipped model)')
    .option('--no-model', 'no classification: print windows only')
    .action(async (spec: string, o: { for?: string; json?: boolean; station: string; chunks?: boolean; windows?: boolean; events?: boolean; model?: string | boolean }) => {
      const json = Boolean(o.json);
      const ac = new AbortController();
      const forS = o.for === undefined ? null : parsePositive('--for', o.for);
      if (!o.chunks) {
        parseSource(spec); // a malformed spec fails here, before the model loads
        const model = await loadModelOption(o.model);
        const onSig = (): void => ac.abort();
        process.once('SIGINT', onSig);
        process.once('SIGTERM', onSig);
        try {
          await runStation({
            station: o.station,
            source: (ctx) => listenSource(spec, ctx),
            model,
            json,
            windows: Boolean(o.windows),
            events: Boolean(o.events),
            ...(forS !== null ? { forS } : {}),
            restart: true,
            signal: ac.signal,
          });
        } finally {
          process.off('SIGINT', onSig);
          process.off('SIGTERM', onSig);
          model?.dispose?.();
        }
        return;
      }
      const output: ListenOutput = {
        json,
        out: (l) => {
          if (!process.stdout.destroyed && !ac.signal.aborted) process.stdout.write(`${l}\n`);
        },
        err: (l) => process.stderr.write(`${l}\n`),
      };
      const ctx: SourceContext = { station: o.station, report: (e) => output.err(eventLine(e, json)) };
      const source = listenSource(spec, ctx);
      const timer = forS === null ? null : setTimeout(() => ac.abort(), forS * 1000);
      const onSignal = (): void => ac.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      // `hydromon listen … | head`: a closed stdout ends listening quietly, not with an EPIPE crash.
      const onStdoutError = (e: NodeJS.ErrnoException): void => {
        if (e.code === 'EPIPE') ac.abort();
        else throw e;
      };
      process.stdout.on('error', onStdoutError);
      try {
        await consumeChunks(source, output, ac.signal);
      } finally {
        if (timer) clearTimeout(timer);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.stdout.off('error', onStdoutError);
      }
    });
}
