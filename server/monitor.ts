// The running monitor: every station of the config in its own pipeline, their detections to the
// store, the clip folder and the alerting stage, their status and spectrogram to the dashboard.
// A station that fails is restarted on its own (streams/station.ts); a sink that fails is reported
// and never stops the pipelines. This is what `hydromon run` (= `npm start`) starts.
import { Subject, type Observable, type Subscription, filter, interval } from 'rxjs';
import type { Config, StationConfig } from '../config/schema.ts';
import { stationPipeline } from '../streams/station.ts';
import type { AnalysisBlock, Detection, Encounter, FeatureConfig, PcmChunk, SourceContext, StationStatus, WindowClassifier } from '../streams/types.ts';
import { createAlertService, type AlertService } from './alerts/service.ts';
import type { Alert } from './alerts/types.ts';
import type { AlertEvent, MonitorHandle, MonitorMetrics, SpectrogramColumn, StationInfo } from './monitor-types.ts';
import { SpectrogramColumns } from './spectrogram-columns.ts';
import type { DetectionStore } from './store/types.ts';

export interface ClipSink {
  /** Every chunk of a station as it arrives (for pre-roll). */
  onChunk(c: PcmChunk): void;
  /** Saves the detection's clip once its post-roll has arrived; resolves with the detection to store. */
  onDetection(d: Detection): Promise<Detection>;
  close(): Promise<void>;
}

export interface MonitorDeps {
  readonly config: Config;
  readonly store: DetectionStore;
  readonly model: WindowClassifier | null;
  readonly featureConfig: FeatureConfig;
  readonly openSource: (station: StationConfig, ctx: SourceContext) => Observable<PcmChunk>;
  readonly clips?: ClipSink | null;
  readonly clipsDir?: string | null;
  readonly alerts?: AlertService;
  /** Where errors of sinks go (never thrown into a pipeline). */
  readonly log?: (msg: string) => void;
}

export interface Monitor extends MonitorHandle {
  stop(): Promise<void>;
  /** Resolves when every station's source has ended (archives without loop). */
  readonly ended: Promise<void>;
}

function toAlertEvent(a: Alert): AlertEvent {
  return {
    id: a.id,
    kind: a.kind === 'detection' ? 'encounter' : 'station',
    station: a.station,
    ...(a.species ? { species: a.species } : {}),
    message: a.message,
    at: a.at,
    ...(a.encounter ? { encounter: a.encounter } : {}),
  };
}

function sourceKind(source: string): string {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(source);
  if (!m || /^[a-z]:[\\/]/i.test(source)) return 'archive';
  const scheme = m[1].toLowerCase();
  if ((scheme === 'http' || scheme === 'https') && /\.m3u8(\?|$)/i.test(source)) return 'hls';
  return scheme;
}

/** Drop user:password from a URL before it is shown anywhere. */
function redact(source: string): string {
  try {
    const u = new URL(source);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
      return u.toString();
    }
  } catch {
    /* a path */
  }
  return source;
}

/**
 * The warning for a station that gates its input for a model trained on ungated features (or the
 * reverse): the model then sees a sound it never learned and false alarms multiply. Null when the
 * two agree or no model is loaded.
 */
export function gateMismatch(station: string, gated: boolean, model: WindowClassifier | null): string | null {
  if (!model || gated === (model.trainedWithNoiseGate === true)) return null;
  return gated
    ? `hydromon: warning: station ${station} has noiseGate on, but model ${model.name} was trained on ungated features: expect many false detections (its model card measured them); set noiseGate: false or use a model trained with the gate`
    : `hydromon: warning: station ${station} has noiseGate off, but model ${model.name} was trained on gated features: turn noiseGate on for this station`;
}

export function startMonitor(deps: MonitorDeps): Monitor {
  const { config, store, model } = deps;
  const log = deps.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const alerts = deps.alerts ?? createAlertService(config.alerts);
  const status$ = new Subject<StationStatus>();
  const detections$ = new Subject<Detection>();
  const encounters$ = new Subject<Encounter>();
  const alertEvents$ = new Subject<AlertEvent>();
  const columns$ = new Subject<SpectrogramColumn>();
  const stations = config.stations.filter((s) => s.enabled);
  for (const st of stations) {
    const warning = gateMismatch(st.id, st.noiseGate !== false, model);
    if (warning) log(warning);
  }
  const latest = new Map<string, StationStatus>();
  const counters = {
    windows: {} as Record<string, number>,
    detections: {} as Record<string, number>,
    reconnects: {} as Record<string, number>,
    pendingWrites: {} as Record<string, number>,
  };
  const subs: Subscription[] = [];
  const failing = new Set<string>();
  const sinkError = (what: string, err: unknown): void => {
    if (failing.has(what)) return; // once until it works again
    failing.add(what);
    log(`hydromon: ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  };
  const sinkOk = (what: string): void => {
    failing.delete(what);
  };

  subs.push(alerts.alerts$.subscribe((a) => alertEvents$.next(toAlertEvent(a))));
  subs.push(
    alerts.encounters$.subscribe((e) => {
      encounters$.next(e);
      store.writeEncounters?.([e]).then(() => sinkOk('encounter store'), (err: unknown) => sinkError('encounter store', err));
    }),
  );

  // The live feed gets a detection at once (latency), the store once it is durable; when the clip
  // writer adds a clip (after the post-roll), the feed gets the detection again with its clip
  // (clients and the server's live list replace by id).
  const storeDetection = async (d: Detection): Promise<void> => {
    counters.pendingWrites[d.station] = (counters.pendingWrites[d.station] ?? 0) + 1;
    detections$.next(d);
    try {
      const withClip = deps.clips ? await deps.clips.onDetection(d).catch((err: unknown) => (sinkError('clip writer', err), d)) : d;
      await store.writeDetections([withClip]);
      sinkOk('detection store');
      if (withClip !== d) detections$.next(withClip);
    } catch (err) {
      sinkError('detection store', err);
    } finally {
      counters.pendingWrites[d.station]--;
    }
  };

  const endedPromises: Promise<void>[] = [];
  for (const st of stations) {
    counters.windows[st.id] = 0;
    counters.detections[st.id] = 0;
    counters.reconnects[st.id] = 0;
    counters.pendingWrites[st.id] = 0;
    // Mel power of real recordings sits between about −70 dB (quiet bands) and +10 dB (loud calls).
    const spectro = new SpectrogramColumns(st.id, { columnsPerS: 8, floorDb: -80, ceilDb: 10, maxHz: deps.featureConfig.fmax });
    let ended!: () => void;
    endedPromises.push(new Promise<void>((r) => (ended = r)));
    const pipeline = stationPipeline({
      station: st.id,
      source: (ctx) => deps.openSource(st, ctx),
      featureConfig: deps.featureConfig,
      sliding: st.sliding,
      events: st.events,
      noiseGate: st.noiseGate,
      model,
      minConfidence: st.minConfidence,
      restart: { baseMs: 1000, maxMs: 60_000 },
      onChunk: deps.clips ? (c) => deps.clips?.onChunk(c) : undefined,
      // The spectrogram costs only while somebody watches.
      onBlock: (b: AnalysisBlock) => {
        if (columns$.observed) for (const c of spectro.push(b)) columns$.next(c);
      },
      statusEveryMs: 5000,
    });
    subs.push(
      pipeline.subscribe({
        next: (e) => {
          if (e.type === 'result') {
            counters.windows[st.id]++;
          } else if (e.type === 'detection') {
            counters.detections[st.id]++;
            alerts.onDetection(e.detection);
            void storeDetection(e.detection);
          } else if (e.type === 'source') {
            if (e.event.type === 'error') log(`hydromon: ${st.id}: ${e.event.message}`);
          } else {
            const prev = latest.get(st.id);
            if (e.status.state === 'connecting' && prev && prev.state !== 'connecting') counters.reconnects[st.id]++;
            latest.set(st.id, e.status);
            status$.next(e.status);
            alerts.onStatus(e.status);
            store.writeHealth([e.status]).then(() => sinkOk('health store'), (err: unknown) => sinkError('health store', err));
          }
        },
        error: (err: unknown) => {
          log(`hydromon: station ${st.id} stopped: ${err instanceof Error ? err.message : String(err)}`);
          ended();
        },
        complete: () => ended(),
      }),
    );
  }
  subs.push(interval(5000).subscribe(() => alerts.tick()));

  const handle: Monitor = {
    stations(): StationInfo[] {
      return stations.map((s) => ({
        id: s.id,
        name: s.name ?? s.id,
        source: redact(s.source),
        kind: sourceKind(s.source),
        status: latest.get(s.id) ?? { station: s.id, state: 'connecting', rmsDb: null, lagS: 0, gapS: 0, samples: 0, at: Date.now() },
      }));
    },
    status$: status$.asObservable(),
    detections$: detections$.asObservable(),
    encounters$: encounters$.asObservable(),
    alerts$: alertEvents$.asObservable(),
    spectrogram$: (station: string) => columns$.pipe(filter((c) => c.station === station)),
    store,
    clipsDir: deps.clipsDir ?? null,
    metrics(): MonitorMetrics {
      const lagS: Record<string, number> = {};
      for (const [k, v] of latest) lagS[k] = v.lagS;
      return {
        windowsProcessed: { ...counters.windows },
        detections: { ...counters.detections },
        lagS,
        queueDepth: { ...counters.pendingWrites },
        reconnects: { ...counters.reconnects },
      };
    },
    alertRules: () => config.alerts.rules.map((r) => ({ ...r })),
    ended: Promise.all(endedPromises).then(() => undefined),
    async stop(): Promise<void> {
      for (const s of subs) s.unsubscribe();
      await deps.clips?.close().catch((err: unknown) => sinkError('clip writer', err));
      await alerts.close(2000).catch((err: unknown) => sinkError('alerts', err));
      await store.close().catch((err: unknown) => sinkError('store', err));
      status$.complete();
      detections$.complete();
      encounters$.complete();
      alertEvents$.complete();
      columns$.complete();
      model?.dispose?.();
    },
  };
  return handle;
}
