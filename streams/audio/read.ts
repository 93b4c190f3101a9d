// One entry point for audio files: the reader is chosen by content (RIFF/RF64 → WAV, fLaC → FLAC),
// never by extension, so a misnamed file still plays and a non-audio file fails clearly. WAV and
// FLAC decode in-process (fast, exact, with the project's own fault reports); anything else goes to
// ffmpeg (ffmpeg-file.ts), which is a required system program anyway.
// FLAC may be decoded in a worker thread instead, one the caller keeps (opts.flacWorker: a replay
// of many files, flac-worker-stream.ts).
import { open, readFile } from 'node:fs/promises';
import { AudioFormatError } from './errors.ts';
import type { AudioData, AudioStream, OpenOptions } from './audio-stream.ts';
import { parseWav, openWavStream } from './wav.ts';
import { parseFlac, openFlacStream } from './flac.ts';
import type { FlacWorker } from './flac-worker-stream.ts';
import { openFfmpegStream, readFfmpegFile } from './ffmpeg-file.ts';

export type { AudioData, AudioStream, OpenOptions };
export type AudioContainer = 'wav' | 'flac' | 'ffmpeg';

export interface OpenStreamOptions extends OpenOptions {
  /**
   * FLAC only: decode in this worker (createFlacWorker), whatever the file's size; the stream's
   * close() closes the file and leaves the worker to the caller.
   */
  readonly flacWorker?: FlacWorker;
}

export interface Sniffed {
  readonly container: AudioContainer;
  /** For 'ffmpeg': what the bytes look like ("MP3 audio"), or "not a WAV or FLAC file (starts with …)". */
  readonly what: string;
  /** For 'ffmpeg': true when `what` names a container recognised by its magic bytes. */
  readonly known: boolean;
}

const ascii = (b: Uint8Array, from: number, to: number): string => String.fromCharCode(...b.subarray(from, to));

// Magic bytes of containers ffmpeg decodes, only to name them in messages: ffmpeg itself probes.
const OTHERS: readonly [(h: Uint8Array) => boolean, string][] = [
  [(h) => ascii(h, 0, 4) === 'OggS', 'Ogg audio'],
  [(h) => ascii(h, 4, 8) === 'ftyp', 'MP4/M4A audio'],
  [(h) => ascii(h, 0, 4) === 'FORM' && /^AIF[FC]$/.test(ascii(h, 8, 12)), 'AIFF audio'],
  [(h) => ascii(h, 0, 4) === 'caff', 'CAF audio'],
  [(h) => ascii(h, 0, 4) === 'wvpk', 'WavPack audio'],
  [(h) => h[0] === 0x1a && h[1] === 0x45 && h[2] === 0xdf && h[3] === 0xa3, 'Matroska/WebM audio'],
  [(h) => ascii(h, 0, 4) === '.snd', 'AU audio'],
  [(h) => h.length >= 2 && h[0] === 0xff && (h[1] & 0xf6) === 0xf0, 'AAC (ADTS) audio'],
  [(h) => h.length >= 2 && h[0] === 0xff && (h[1] & 0xe0) === 0xe0, 'MP3 audio'],
];

/** Byte offset just after a leading ID3v2 tag (syncsafe size, optional footer); null without one. */
export function id3End(head: Uint8Array): number | null {
  if (head.length < 10 || ascii(head, 0, 3) !== 'ID3') return null;
  const size = ((head[6] & 0x7f) << 21) | ((head[7] & 0x7f) << 14) | ((head[8] & 0x7f) << 7) | (head[9] & 0x7f);
  return 10 + size + (head[5] & 0x10 ? 10 : 0);
}

/**
 * The reader for a file: `head` is its first 12 bytes, `afterId3` the 4 bytes at id3End(head) when
 * it starts with an ID3v2 tag (FLAC taggers put one there; without fLaC after it, it is MP3).
 * Throws AudioFormatError only for an empty file.
 */
export function sniffContainer(head: Uint8Array, path: string, afterId3?: Uint8Array): Sniffed {
  if (head.length === 0) throw new AudioFormatError(path, 'empty file (0 bytes)');
  const tag = ascii(head, 0, 4);
  if (tag === 'RIFF' || tag === 'RF64' || tag === 'RIFX') return { container: 'wav', what: 'WAV', known: true };
  if (tag === 'fLaC') return { container: 'flac', what: 'FLAC', known: true };
  if (id3End(head) !== null) {
    if (afterId3 && ascii(afterId3, 0, 4) === 'fLaC') return { container: 'flac', what: 'FLAC', known: true };
    return { container: 'ffmpeg', what: 'MP3 audio (ID3 tag)', known: true };
  }
  const other = OTHERS.find(([test]) => test(head));
  if (other) return { container: 'ffmpeg', what: other[1], known: true };
  const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return { container: 'ffmpeg', what: `not a WAV or FLAC file (starts with ${hex})`, known: false };
}

/** Sniff a file by its first bytes (and those after an ID3 tag). `verb` words I/O errors. */
async function sniffFile(path: string, verb: string): Promise<Sniffed> {
  let head: Uint8Array;
  let afterId3: Uint8Array | undefined;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = new Uint8Array(12);
      const { bytesRead } = await fh.read(buf, 0, 12, 0);
      head = buf.subarray(0, bytesRead);
      const at = id3End(head);
      if (at !== null) {
        const m = new Uint8Array(4);
        afterId3 = m.subarray(0, (await fh.read(m, 0, 4, at)).bytesRead);
      }
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new AudioFormatError(path, `${verb}: ${(e as Error).message}`);
  }
  return sniffContainer(head, path, afterId3);
}

/** Decode a whole file. */
export async function readAudioFile(path: string, opts: OpenOptions = {}): Promise<AudioData> {
  const s = await sniffFile(path, 'cannot read');
  if (s.container === 'ffmpeg') return readFfmpegFile(path, { what: s.what });
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new AudioFormatError(path, `cannot read: ${(e as Error).message}`);
  }
  return decodeAudio(bytes, path, opts);
}

/**
 * Decode a whole WAV or FLAC file already in memory (synchronous, so no ffmpeg): other containers
 * are an AudioFormatError naming what they are.
 */
export function decodeAudio(bytes: Uint8Array, path: string, opts: OpenOptions = {}): AudioData {
  const at = id3End(bytes);
  const s = sniffContainer(bytes.subarray(0, 12), path, at === null ? undefined : bytes.subarray(at, at + 4));
  if (s.container === 'wav') return parseWav(bytes, path, opts);
  if (s.container === 'flac') return parseFlac(bytes, path, opts);
  throw new AudioFormatError(path, s.known ? `${s.what}: only WAV and FLAC are decoded in memory` : s.what);
}

/** Open a file for block-wise reading (only the header is read now; other containers start ffmpeg). */
export async function openAudioStream(path: string, opts: OpenStreamOptions = {}): Promise<AudioStream> {
  const s = await sniffFile(path, 'cannot open');
  if (s.container === 'wav') return openWavStream(path, opts);
  if (s.container === 'flac') return opts.flacWorker ? opts.flacWorker.open(path, opts) : openFlacStream(path, opts);
  return openFfmpegStream(path, { what: s.what });
}
