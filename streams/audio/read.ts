// One entry point for audio files: the reader is chosen by content (RIFF/RF64 → WAV, fLaC → FLAC),
// never by extension, so a misnamed file still plays and a non-audio file fails clearly.
import { open, readFile } from 'node:fs/promises';
import { AudioFormatError } from './errors.ts';
import type { AudioData, AudioStream, OpenOptions } from './audio-stream.ts';
import { parseWav, openWavStream } from './wav.ts';
import { parseFlac, openFlacStream } from './flac.ts';

export type { AudioData, AudioStream, OpenOptions };
export type AudioContainer = 'wav' | 'flac';

/** The container a file's first bytes announce; throws AudioFormatError for anything else. */
export function sniffContainer(head: Uint8Array, path: string): AudioContainer {
  if (head.length === 0) throw new AudioFormatError(path, 'empty file (0 bytes)');
  const tag = String.fromCharCode(...head.subarray(0, 4));
  if (tag === 'RIFF' || tag === 'RF64' || tag === 'RIFX') return 'wav';
  if (tag === 'fLaC') return 'flac';
  if (tag.startsWith('ID3')) return 'flac'; // FLAC with a leading ID3v2 tag; the parser checks for fLaC
  if (tag === 'OggS') throw new AudioFormatError(path, 'Ogg files are not supported (convert to WAV or FLAC)');
  if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0) {
    throw new AudioFormatError(path, 'MPEG audio (MP3/AAC) is not supported (convert to WAV or FLAC)');
  }
  const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new AudioFormatError(path, `not a WAV or FLAC file (starts with ${hex})`);
}

/** Decode a whole file. */
export async function readAudioFile(path: string, opts: OpenOptions = {}): Promise<AudioData> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new AudioFormatError(path, `cannot read: ${(e as Error).message}`);
  }
  return decodeAudio(bytes, path, opts);
}

/** Decode a whole file already in memory. */
export function decodeAudio(bytes: Uint8Array, path: string, opts: OpenOptions = {}): AudioData {
  return sniffContainer(bytes.subarray(0, 12), path) === 'wav' ? parseWav(bytes, path, opts) : parseFlac(bytes, path, opts);
}

/** Open a file for block-wise reading (only the header is read now). */
export async function openAudioStream(path: string, opts: OpenOptions = {}): Promise<AudioStream> {
  let head: Uint8Array;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = new Uint8Array(12);
      const { bytesRead } = await fh.read(buf, 0, 12, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new AudioFormatError(path, `cannot open: ${(e as Error).message}`);
  }
  return sniffContainer(head, path) === 'wav' ? openWavStream(path, opts) : openFlacStream(path, opts);
}
