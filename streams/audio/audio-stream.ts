// What every audio reader offers: the whole file at once (AudioData) or block by block
// (AudioStream), so replay of an hour-long file never holds more than one block in memory.
import type { Pcm16Block } from './pcm16-block.ts';

/** A whole decoded file. Samples are nominally in [-1, 1]; integer PCM is divided by 2^(bits−1). */
export interface AudioData {
  readonly sampleRate: number;
  /** One array per channel, all `frames` long. */
  readonly channels: Float32Array[];
  /** E.g. 'wav/pcm16', 'wav/float32', 'flac/24'. */
  readonly format: string;
  readonly durationS: number;
  readonly frames: number;
  readonly bitsPerSample: number;
  /** NaN/±Inf samples found in a float file and replaced by 0 (a station must never see them). */
  readonly nonFinite: number;
}

/** Header facts known before any sample is read. */
export interface AudioInfo {
  readonly path: string;
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly bitsPerSample: number;
  readonly format: string;
  /** Frames (samples per channel) the file declares; null when the header does not say. */
  readonly frames: number | null;
}

/** Block-wise reader over an open file. Not safe for concurrent reads: await each one. */
export interface AudioStream extends AudioInfo {
  /**
   * Up to `maxFrames` frames, one Float32Array per channel: exactly `maxFrames` except at the end of
   * the file; null once the file is exhausted. Throws AudioFormatError on corrupt data.
   * With `into` (one array per channel, each at least `maxFrames` long) the samples are written
   * there and the result is views of it, so a caller can decode every block into the same memory
   * (see recycled.ts); without it each read returns new arrays.
   */
  read(maxFrames: number, into?: readonly Float32Array[]): Promise<Float32Array[] | null>;
  /**
   * Present where the file is mono 16-bit PCM (WAV): as `read`, but the bytes are read into
   * `block`'s WebAssembly memory and decoded there by SIMD (pcm16-block.ts); the result is a view
   * of block.samples (recycled: valid until the block's next use). `block` must hold maxFrames.
   */
  readPcm16?(maxFrames: number, block: Pcm16Block): Promise<Float32Array[] | null>;
  /** NaN/Inf samples replaced by 0 so far. */
  readonly nonFinite: number;
  /** Samples per channel of corrupt FLAC frames replaced by silence so far (with `conceal`). */
  readonly concealed: number;
  /** Faults tolerated so far (e.g. a truncation accepted with allowTruncated), for the log. */
  readonly notes: readonly string[];
  /** Release the file handle. Idempotent. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Bytes read from the file per I/O call (default 256 KiB). */
  readonly ioBytes?: number;
  /** Accept a data chunk / FLAC stream cut short and return what is there (default false). */
  readonly allowTruncated?: boolean;
  /**
   * Streams only, FLAC: a frame that fails its CRC (or does not decode) is replaced by silence of
   * the same length and reading resumes at the next good frame, so the file keeps its length and
   * its time axis; `concealed` counts the samples. Default false: a corrupt frame is an error.
   */
  readonly conceal?: boolean;
}
