// Reads a recording as mono at its native rate (the project's reader: WAV or FLAC in-process, other
// containers through ffmpeg; channels averaged), and brings samples to the analysis rate.
import { downmix } from '../streams/audio/downmix.ts';
import { readAudioFile } from '../streams/audio/read.ts';
import { resample } from '../streams/dsp/resample.ts';

export interface MonoAudio {
  readonly sampleRate: number;
  readonly samples: Float32Array;
}

export async function readMono(path: string): Promise<MonoAudio> {
  const a = await readAudioFile(path);
  return { sampleRate: a.sampleRate, samples: a.channels.length === 1 ? a.channels[0] : downmix(a.channels) };
}

/** Samples at `to` Hz (the same array when the rate already matches). */
export function toRate(x: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return x;
  return resample(x, from, to);
}
