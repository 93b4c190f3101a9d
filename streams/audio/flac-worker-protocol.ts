// Messages between FLAC streams on the main thread (flac-worker-stream.ts) and the worker that
// decodes them (flac-worker.ts). One worker decodes one file at a time but may decode many in turn
// (a replay reuses it across its files), so every message names the file it belongs to: a message
// about a file already closed is dropped. Samples cross as transferred ArrayBuffers, never copied,
// and go back to the worker when read, so a replay decodes into the same few buffers throughout.
import type { AudioInfo } from './audio-stream.ts';

/** What the worker is started with (workerData). */
export interface FlacWorkerData {
  /** Blocks decoded ahead of the reads at most. */
  readonly ahead: number;
}

/** A file to decode next: the options openFlacStream takes. */
export interface FlacOpenRequest {
  readonly path: string;
  readonly conceal: boolean;
  readonly allowTruncated: boolean;
  readonly ioBytes?: number;
  readonly verifyCrc?: boolean;
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

/** `file`: the number the main thread gave the file in its 'open' message. */
export type ToMain = { readonly file: number } & (
  | { readonly type: 'open'; readonly info: Omit<AudioInfo, 'path'> }
  | ({ readonly type: 'block'; readonly frames: number; readonly channels: ArrayBuffer[] } & FlacProgress)
  | ({ readonly type: 'end' } & FlacProgress)
  | { readonly type: 'error'; readonly error: WireError }
);

export type ToWorker =
  /** Open this file (after closing the previous one, if any). */
  | { readonly type: 'open'; readonly file: number; readonly request: FlacOpenRequest }
  /** Start decoding, `frames` per block (the first read's size). */
  | { readonly type: 'start'; readonly file: number; readonly frames: number }
  /** A block was read: decode one more, into these buffers (empty when the reader kept them). */
  | { readonly type: 'ack'; readonly file: number; readonly buffers: ArrayBuffer[] }
  /** Done with this file; the worker stays for the next one. */
  | { readonly type: 'close'; readonly file: number }
  /** Done with the worker: close any file and end the thread. */
  | { readonly type: 'exit' };
