// One station's pipeline: source → analysis rate → mel frames (once) → windows and events →
// fixed-size features → species → detections, with its status alongside. A failure anywhere marks
// the station faulted and restarts it after a backoff; other stations run in their own
// subscriptions and never notice. Every window keeps its absolute times and station id through to
// the detection.
import { defer, finalize, map, mergeMap, Observable, share, Subject, tap, timer, type Subscription } from 'rxjs';
import { createBackoff, type BackoffOptions } from './sources/backoff.ts';
import { melFrequencies } from './dsp/mel.ts';
import type { NoiseGateOptions } from './dsp/noise-gate.ts';
import { toDetection } from './detection.ts';
import { classifyWindows } from './operators/classify.ts';
import { cutWindows } from './operators/cut.ts';
import type { EventOptions } from './operators/events.ts';
import { dedupeDetections } from './operators/dedupe.ts';
import { melFrames } from './operators/mel-frames.ts';
import { resampleTo } from './operators/resample.ts';
import type { SlidingWindowOptions } from './operators/windows.ts';
import { StatusTracker } from './station-status.ts';
import type {
  AnalysisBlock,
  Detection,
  FeatureConfig,
  PcmChunk,
  SourceContext,
  SourceEvent,
  StationStatus,
  WindowClassifier,
  WindowResult,
} from './types.ts';

export type StationEvent =
  | { readonly type: 'result'; readonly result: WindowResult }
  | { readonly type: 'detection'; readonly detection: Detection }
  | { readonly type: 'status'; readonly status: StationStatus }
  /** What the source reported besides status: errors (a bad file skipped), gaps, clock jumps. */
  | { readonly type: 'source'; readonly event: SourceEvent };

export interface StationOptions {
  readonly station: string;
  /** Opens the source; called again on every restart. */
  readonly source: (ctx: SourceContext) => Observable<PcmChunk>;
  readonly featureConfig: FeatureConfig;
  readonly sliding?: SlidingWindowOptions | false;
  /** Event detector settings; the mel band centres are filled in from the feature config. */
  readonly events?: Omit<EventOptions, 'melCentersHz'> | false;
  readonly noiseGate?: NoiseGateOptions | false;
  readonly model: WindowClassifier | null;
  readonly minConfidence?: number;
  /** Restart after a fault (false: let the error through, for one-shot replays). */
  readonly restart?: BackoffOptions | false;
  /** Taps: every chunk as it arrives (clips, level) and every analysis block (spectrogram). */
  readonly onChunk?: (c: PcmChunk) => void;
  readonly onBlock?: (b: AnalysisBlock) => void;
  /** How often a status is emitted while running, ms. */
  readonly statusEveryMs?: number;
}

/** Centre frequency of each mel band of a feature config (Slaney scale, as the filterbank). */
export function melCenters(cfg: FeatureConfig): Float64Array {
  return melFrequencies(cfg.nMels + 2, cfg.fmin, cfg.fmax).subarray(1, cfg.nMels + 1);
}

export function stationPipeline(opts: StationOptions): Observable<StationEvent> {
  const cfg = opts.featureConfig;
  const events = opts.events ? { ...opts.events, melCentersHz: melCenters(cfg) } : false;
  const modelName = opts.model?.name ?? 'none';

  return new Observable<StationEvent>((sub) => {
    const tracker = new StatusTracker(opts.station);
    const emitStatus = (): void => sub.next({ type: 'status', status: tracker.snapshot() });
    const report = (e: SourceEvent): void => {
      const before = tracker.current;
      tracker.onEvent(e);
      if (e.type !== 'status') sub.next({ type: 'source', event: e });
      if (e.type !== 'status' || tracker.current !== before) emitStatus();
    };
    const backoff = opts.restart === false ? null : createBackoff(opts.restart ?? { baseMs: 1000, maxMs: 60_000 });
    let running: Subscription | null = null;
    let restartTimer: Subscription | null = null;
    let stopped = false;

    const start = (): void => {
      let arrived = Date.now(); // wall time the latest chunk arrived
      const chunks = defer(() => opts.source({ station: opts.station, report })).pipe(
        tap((c) => {
          const now = Date.now();
          arrived = now;
          const wasLive = tracker.current === 'live';
          tracker.onChunk(c);
          backoff?.live(now);
          if (!wasLive) emitStatus();
          opts.onChunk?.(c);
        }),
        share(),
      );
      const pipeline = chunks.pipe(
        resampleTo(cfg.sampleRate),
        melFrames(cfg, opts.noiseGate ? { noiseGate: opts.noiseGate } : undefined),
        tap((b) => {
          opts.onBlock?.(b);
          // Processing is synchronous per chunk, so this is how long the latest audio waited.
          tracker.setLag((Date.now() - arrived) / 1000);
        }),
        cutWindows({ sliding: opts.sliding ?? false, events }),
        classifyWindows(opts.model, cfg),
        mergeMap((results) => results),
      );
      const detections = new Subject<Detection>();
      const dedupeSub = detections.pipe(dedupeDetections()).subscribe((d) => sub.next({ type: 'detection', detection: d }));
      const ticker = timer(opts.statusEveryMs ?? 5000, opts.statusEveryMs ?? 5000).subscribe(() => emitStatus());

      running = pipeline
        .pipe(
          map((result) => {
            sub.next({ type: 'result', result });
            const d = toDetection(result, modelName, opts.minConfidence ?? 0);
            if (d) detections.next(d);
            return d;
          }),
          finalize(() => {
            ticker.unsubscribe();
            detections.complete();
            dedupeSub.unsubscribe();
          }),
        )
        .subscribe({
          error: (err: unknown) => {
            const msg = err instanceof Error ? err.message : String(err);
            tracker.setState('faulted', msg);
            emitStatus();
            if (!backoff || stopped) {
              sub.error(err);
              return;
            }
            const delay = backoff.failed(Date.now());
            restartTimer = timer(delay).subscribe(() => {
              if (stopped) return;
              tracker.setState('connecting', `restarting after: ${msg}`);
              emitStatus();
              start();
            });
          },
          complete: () => {
            tracker.setState('ended');
            emitStatus();
            sub.complete();
          },
        });
    };

    emitStatus();
    start();
    return () => {
      stopped = true;
      restartTimer?.unsubscribe();
      running?.unsubscribe();
    };
  });
}
