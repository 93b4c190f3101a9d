// The values that travel through the monitor, source → window → features → classify → detection.
// Everything here is plain data: no classes, no I/O, so every stage can be tested alone and
// values can cross worker threads and WebSockets unchanged.
import type { Observable } from 'rxjs';

/** Where a chunk of audio came from inside an archived file (for clips, exports, Raven tables). */
export interface Origin {
  /** Path of the file the samples were read from. */
  readonly file: string;
  /** Offset of sample 0 of the chunk inside that file, in seconds. */
  readonly offsetS: number;
}

/** A run of mono samples from one station. Live sources and archive replay produce the same chunks. */
export interface PcmChunk {
  readonly station: string;
  readonly sampleRate: number;
  /** Mono: multi-channel input is downmixed (or one channel chosen) by the source. */
  readonly samples: Float32Array;
  /** Absolute UTC time of samples[0], epoch milliseconds (may be fractional). */
  readonly t0: number;
  /** Increases by one per chunk of a station; a jump means chunks were lost. */
  readonly seq: number;
  readonly origin?: Origin;
}

export type WindowKind = 'sliding' | 'event';

/** A stretch of one station's audio chosen for classification. */
export interface Window {
  readonly station: string;
  readonly sampleRate: number;
  readonly samples: Float32Array;
  /** Epoch ms of the first and one-past-last sample. */
  readonly start: number;
  readonly end: number;
  readonly kind: WindowKind;
  readonly origin?: Origin;
  /** Event windows: the band where the event's energy sat, when the detector knows it. */
  readonly freqLowHz?: number;
  readonly freqHighHz?: number;
  /** Mel power frames (count × nMels, row-major) whose centres fall inside [start, end), at the
   *  analysis rate: the stream's STFT is computed once and windows are views over it. */
  readonly mel?: MelView;
}

export interface MelView {
  readonly data: Float32Array;
  readonly count: number;
  readonly nMels: number;
  /** Hop between frames, in samples at sampleRate. */
  readonly hop: number;
}

/**
 * One chunk after the analysis stage: resampled to the analysis rate and turned into mel power
 * frames once, for every window and event that overlaps it.
 */
export interface AnalysisBlock {
  /** The chunk resampled to the analysis rate (same station, t0, seq, origin). */
  readonly chunk: PcmChunk;
  /** Mel power frames completed by this chunk (count × nMels, row-major). May be zero frames. */
  readonly mel: MelView;
  /** Absolute index of the first frame in `mel` within the station's continuous run. Frame k is
   *  centred at sample k × hop of that run; a gap or sample-rate change starts a new run. */
  readonly frameIndex: number;
  /** Epoch ms of the centre of frame `frameIndex` (the run's t0 + frameIndex × hop / sr). */
  readonly frameT0: number;
  /** Increases by one at every new run (after a gap, a clock jump or a rate change). */
  readonly run: number;
}

/**
 * How audio becomes the fixed-size matrix the classifier sees. A model stores the config it was
 * trained with; loading a model whose config differs from the code's is an error.
 */
export interface FeatureConfig {
  /** Analysis sample rate: every input is resampled to it first, so the recorder's rate carries no label. */
  readonly sampleRate: number;
  readonly nFft: number;
  /** Base hop (samples at sampleRate) of the streaming STFT. */
  readonly hop: number;
  readonly nMels: number;
  readonly nMfcc: number;
  readonly fmin: number;
  readonly fmax: number;
  /** T: every window or event, whatever its duration, yields exactly this many frames. */
  readonly frames: number;
  readonly center: boolean;
  readonly padMode: 'reflect' | 'constant';
  /** power_to_db top_db; null disables the floor. */
  readonly topDb: number | null;
  /** One more row after the T frames: the window's envelope rhythm (dsp/rhythm.ts). Absent = no. */
  readonly rhythm?: boolean;
}

/** MFCC matrix of one window: `mfcc` is featureRows(cfg) × nMfcc (T frames, then the rhythm row if any), row-major. */
export interface FeatureFrame {
  readonly window: Window;
  readonly mfcc: Float32Array;
  readonly shape: readonly [number, number];
}

export interface Prediction {
  readonly species: string;
  readonly confidence: number;
  /** Probability per label, in the model's label order. */
  readonly probs?: Float32Array;
}

export interface Detection {
  /** Deterministic: the same window of the same recording gives the same id on every replay. */
  readonly id: string;
  readonly station: string;
  readonly species: string;
  readonly confidence: number;
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
  readonly model: string;
  readonly origin?: Origin;
  readonly freqLowHz?: number;
  readonly freqHighHz?: number;
  /** Path of the saved clip, relative to the clip folder. */
  readonly clip?: string;
}

export interface Encounter {
  readonly id: string;
  readonly station: string;
  readonly species: string;
  readonly start: number;
  readonly end: number;
  readonly count: number;
  readonly peakConfidence: number;
}

/** 'waiting': nothing to play yet, and that is fine (an archive folder with no recordings in it so far). */
export type SourceState = 'connecting' | 'live' | 'stalled' | 'down' | 'faulted' | 'ended' | 'waiting';

export interface StationStatus {
  readonly station: string;
  readonly state: SourceState;
  /** Input level of the last second, dBFS. */
  readonly rmsDb: number | null;
  /** How far processing trails the audio's own clock, seconds. */
  readonly lagS: number;
  /** Paced sources (archive replay at speed 1 or N): audio seconds the replay is behind its
   *  schedule because the pipeline cannot keep up; 0 when keeping up; absent when unpaced
   *  (speed max) or the source does not say. */
  readonly behindS?: number;
  /** Total length of recorded gaps, seconds. */
  readonly gapS: number;
  readonly samples: number;
  readonly message?: string;
  readonly at: number;
}

/** What a source reports besides its audio. */
export type SourceEvent =
  /** A status that repeats the current state with `behindS` (and no message) only updates behindS. */
  | { readonly type: 'status'; readonly station: string; readonly state: SourceState; readonly at: number; readonly message?: string; readonly behindS?: number }
  | { readonly type: 'gap'; readonly station: string; readonly start: number; readonly lengthS: number; readonly reason: string }
  | { readonly type: 'clock'; readonly station: string; readonly at: number; readonly driftS: number; readonly message: string }
  | { readonly type: 'error'; readonly station: string; readonly at: number; readonly message: string };

export interface SourceContext {
  readonly station: string;
  /** Status, gaps, clock jumps and recoverable errors. Never throws back into the source. */
  readonly report?: (event: SourceEvent) => void;
}

/** A source: subscribe to listen, unsubscribe to stop. Errors only for what cannot be retried. */
export type Source = Observable<PcmChunk>;

/**
 * What the pipeline asks of a species model. Synchronous on purpose: a block's windows are
 * classified before the source reads on, which is the pipeline's backpressure (see operators/cut.ts).
 */
export interface WindowClassifier {
  readonly name: string;
  readonly labels: readonly string[];
  readonly featureConfig: FeatureConfig;
  /** One prediction per input; each input is T × nMfcc from the feature stage. */
  predictBatch(batch: readonly Float32Array[]): Prediction[];
  dispose?(): void;
  /**
   * Whether the model learned from noise-gated features. A model trained without the gate sees
   * gated input as a different sound (the shipped model's false alarms rose 4 → 876 per hour), so
   * the monitor warns when a station gates for a model that did not. Absent = not gated.
   */
  readonly trainedWithNoiseGate?: boolean;
}

/** A window with what the model made of it (null when no model is loaded). */
export interface WindowResult {
  readonly window: Window;
  readonly prediction: Prediction | null;
}
