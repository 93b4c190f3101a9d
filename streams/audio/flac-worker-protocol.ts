// Messages between a FLAC stream on the main thread (flac-worker-stream.ts) and the worker that
// decodes it (flac-worker.ts). Samples cross as transferred ArrayBuffers, never copied, and go back
// to the worker when read, so a replay decodes into the same few buffers throughout.
import type { AudioInfo } from './audio-stream.ts';

/** What the worker is started with (workerData). */
export interface FlacWorkerData {
  readonly path: string;
  readonly conceal: boolean;
  readonly allowTruncated: boolean;
  readonly ioBytes?: number;
  readonly verifyCrc?: boolean;
  /** Blocks decoded ahead of the reads at most. */
  readonly ahead: number;
}

/** An error as it crosses the thread boundary: AudioFormatError keeps its class on arrival. */
export type WireError =
  | { readonly kind: 'audio'; readonly path: string; readonly reason: string }
  | { readonly kind: 'other'; readonly message: string };

/** Counters the stream reports after the file's end (AudioStream.concealed, .notes). */
export interface FlacProgress {
  readonly concealed: number;
  readonly notes: readonly string[];
}

export type ToMain =
  | { readonly type: 'open'; readonly info: Omit<AudioInfo, 'path'> }
  | ({ readonly type: 'block'; readonly frames: number; readonly channels: ArrayBuffer[] } & FlacProgress)
  | ({ readonly type: 'end' } & FlacProgress)
  | { readonly type: 'error'; readonly error: WireError };

export type ToWorker =
  /** Start decoding, `frames` per block (the first read's size). */
  | { readonly type: 'start'; readonly frames: number }
  /** A block was read: decode one more, into these buffers (empty when the reader kept them). */
  | { readonly type: 'ack'; readonly buffers: ArrayBuffer[] }
  | { readonly type: 'close' };
