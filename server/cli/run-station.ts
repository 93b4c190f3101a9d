// Shared by `replay` and `listen`: run one station's pipeline on a source to its end (or a time
// limit), printing JSON lines, and summarise on stderr.
import { fromEvent, Observable, take, takeUntil, timer } from 'rxjs';
import { defaultFeatureConfig } from '../../models/feature-config.ts';
import { stationPipeline, type StationOptions } from '../../streams/station.ts';
import type { Detection, FeatureConfig, PcmChunk, SourceContext, WindowClassifier } from '../../streams/types.ts';
import { eventsSchema } from '../../config/schema.ts';
import { detectionLine, humanLine, windowLine } from './output.ts';
import { stateLines } from './state-lines.ts';

export interface RunStationOptions {
  readonly station: string;
  readonly source: (ctx: SourceContext) => Observable<PcmChunk>;
  readonly model: WindowClassifier | null;
  readonly json: boolean;
  /** Print every window (with its top species) rather than only detections. */
  readonly windows: boolean;
  readonly events: boolean;
  readonly slidingS?: number;
  readonly hopS?: number;
  readonly forS?: number;
  readonly minConfidence?: number;
  readonly restart: boolean;
  /** Stops the run (Ctrl-C): the summary is still printed. */
  readonly signal?: AbortSignal;
  /** Every detection also goes here (a store); awaited before the run resolves. */
  readonly onDetection?: (d: Detection) => Promise<void>;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

export interface RunSummary {
  readonly windows: number;
  readonly detections: number;
  readonly audioS: number;
  readonly wallS: number;
  readonly bySpecies: Record<string, number>;
}

export function featureConfigOf(model: WindowClassifier | null): FeatureConfig {
  return model?.featureConfig ?? defaultFeatureConfig;
}

export function runStation(opts: RunStationOptions): Promise<RunSummary> {
  const out = opts.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = opts.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  let windows = 0;
  let detections = 0;
  let audioSamples = 0;
  let audioRate = 1;
  let first: number | null = null;
  const bySpecies: Record<string, number> = {};
  const began = Date.now();
  const writes: Promise<void>[] = [];
  let writeError: Error | null = null;
  const stateLine = stateLines();

  const stationOpts: StationOptions = {
    station: opts.station,
    source: opts.source,
    featureConfig: featureConfigOf(opts.model),
    sliding: opts.slidingS === 0 ? false : { durationS: opts.slidingS ?? 2, hopS: opts.hopS ?? 1 },
    events: opts.events ? eventsSchema.parse({}) : false,
    model: opts.model,
    minConfidence: opts.minConfidence ?? 0,
    restart: opts.restart ? { baseMs: 1000, maxMs: 30_000 } : false,
    onChunk: (c) => {
      if (first === null) first = c.t0;
      audioSamples += c.samples.length;
      audioRate = c.sampleRate;
    },
    statusEveryMs: 10_000,
  };
  const print = (line: ReturnType<typeof windowLine>): void => out(opts.json ? JSON.stringify(line) : humanLine(line));

  let pipeline = stationPipeline(stationOpts);
  if (opts.forS !== undefined) pipeline = pipeline.pipe(takeUntil(timer(opts.forS * 1000).pipe(take(1))));
  if (opts.signal) pipeline = pipeline.pipe(takeUntil(fromEvent(opts.signal, 'abort').pipe(take(1))));

  return new Promise((resolve, reject) => {
    pipeline.subscribe({
      next: (e) => {
        if (e.type === 'result') {
          windows++;
          if (opts.windows || !opts.model) print(windowLine(e.result, first ?? e.result.window.start));
        } else if (e.type === 'detection') {
          const d: Detection = e.detection;
          detections++;
          bySpecies[d.species] = (bySpecies[d.species] ?? 0) + 1;
          if (!opts.windows) print(detectionLine(d, first ?? d.start));
          if (opts.onDetection) {
            writes.push(opts.onDetection(d).catch((e: unknown) => {
              writeError ??= e instanceof Error ? e : new Error(String(e));
            }));
          }
        } else if (e.type === 'source') {
          const ev = e.event;
          if (ev.type === 'error') err(`${ev.station}: ${ev.message}`);
          else if (ev.type === 'gap') err(`${ev.station}: gap of ${ev.lengthS.toFixed(2)} s at ${new Date(ev.start).toISOString()} (${ev.reason})`);
          else if (ev.type === 'clock') err(`${ev.station}: clock: ${ev.message}`);
        } else if (e.type === 'status') {
          const line = stateLine(e.status);
          if (line !== null) err(line);
        }
      },
      error: (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))),
      complete: async () => {
        await Promise.all(writes);
        if (writeError) err(`${opts.station}: storing detections failed: ${(writeError as Error).message}`);
        const wallS = (Date.now() - began) / 1000;
        const audioS = audioSamples / audioRate;
        const summary: RunSummary = { windows, detections, audioS, wallS, bySpecies };
        const speed = wallS > 0 ? audioS / wallS : Infinity;
        err(
          `${opts.station}: ${audioS.toFixed(1)} s of audio in ${wallS.toFixed(2)} s (${speed.toFixed(0)}× real time), ` +
            `${windows} windows, ${detections} detections` +
            (detections ? ` (${Object.entries(bySpecies).map(([s, n]) => `${s} ${n}`).join(', ')})` : ''),
        );
        resolve(summary);
      },
    });
  });
}
