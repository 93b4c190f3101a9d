// Is a file real, complete audio? The project's reader (streams/audio/read.ts) decides, decoding the
// bytes in memory (RIFF/WAVE or FLAC; chunk sizes vs length; every sample). What it learns (rate,
// frames) goes into the manifest. Cuts are small, so decoding them whole costs little.
import { AudioFormatError } from '../../streams/audio/errors.ts';
import { decodeAudio } from '../../streams/audio/read.ts';

export interface AudioFacts {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** E.g. "wav/pcm16". */
  readonly format: string;
  readonly frames: number;
  readonly durationS: number;
}

/**
 * Facts of audio held in memory (a download before it is written, or a file read back), decoding it all.
 * @throws Error with what is wrong.
 */
export function checkAudioBytes(bytes: Uint8Array, label: string): AudioFacts {
  let d;
  try {
    d = decodeAudio(bytes, label);
  } catch (err) {
    throw new Error(err instanceof AudioFormatError ? err.reason : String(err));
  }
  if (d.frames === 0) throw new Error('no audio frames');
  return {
    sampleRate: d.sampleRate,
    channels: d.channels.length,
    bitsPerSample: d.bitsPerSample,
    format: d.format,
    frames: d.frames,
    durationS: d.durationS,
  };
}
