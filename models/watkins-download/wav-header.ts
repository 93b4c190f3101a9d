// Sanity check of a downloaded WAV's RIFF/WAVE header: enough to tell a real audio file from an HTML
// error page, a truncated transfer or garbage, and to read the sample rate and duration for the
// manifest. (Kept local: no shared WAV reader existed when this was written.)
import { open } from 'node:fs/promises';

export interface WavInfo {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** WAVE format tag: 1 PCM, 3 float, 0xFFFE extensible, … */
  readonly formatTag: number;
  readonly dataBytes: number;
  readonly frames: number;
  readonly durationS: number;
}

const UNKNOWN_SIZE = 0xffffffff;

/**
 * Parse the header of a WAV held (at least its first chunks) in `head`; `fileBytes` is the whole
 * file's size, to catch a data chunk that claims more than the file holds.
 * @throws Error saying what is wrong.
 */
export function checkWavHeader(head: Uint8Array, fileBytes: number): WavInfo {
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const tag = (o: number): string => String.fromCharCode(head[o], head[o + 1], head[o + 2], head[o + 3]);
  if (head.length < 12) throw new Error(`too short for a WAV header (${fileBytes} bytes)`);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    const start = Array.from(head.subarray(0, 12), (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    throw new Error(`not a RIFF/WAVE file (starts with "${start}")`);
  }
  let off = 12;
  let fmt: Omit<WavInfo, 'dataBytes' | 'frames' | 'durationS'> | undefined;
  let blockAlign = 0;
  while (off + 8 <= head.length) {
    const id = tag(off);
    const size = dv.getUint32(off + 4, true);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > head.length) throw new Error(`fmt chunk too short (${size} bytes)`);
      const formatTag = dv.getUint16(body, true);
      const channels = dv.getUint16(body + 2, true);
      const sampleRate = dv.getUint32(body + 4, true);
      blockAlign = dv.getUint16(body + 12, true);
      const bitsPerSample = dv.getUint16(body + 14, true);
      if (channels < 1) throw new Error('fmt chunk: 0 channels');
      if (sampleRate < 1) throw new Error('fmt chunk: sample rate 0');
      if (bitsPerSample < 1 || blockAlign < 1) throw new Error(`fmt chunk: bad sample size (${bitsPerSample} bits, block ${blockAlign})`);
      if (blockAlign < channels * Math.ceil(bitsPerSample / 8)) {
        throw new Error(`fmt chunk: block align ${blockAlign} too small for ${channels}×${bitsPerSample} bits`);
      }
      fmt = { sampleRate, channels, bitsPerSample, formatTag };
    } else if (id === 'data') {
      if (fmt === undefined) throw new Error('data chunk before fmt chunk');
      const available = fileBytes - body;
      // Streaming writers leave 0 or 0xFFFFFFFF; then the file's end is the data's end.
      const dataBytes = size === 0 || size === UNKNOWN_SIZE ? available : size;
      if (dataBytes > available) {
        throw new Error(`data chunk declares ${dataBytes} bytes but the file holds ${available} (truncated?)`);
      }
      const frames = Math.floor(dataBytes / blockAlign);
      return { ...fmt, dataBytes, frames, durationS: frames / fmt.sampleRate };
    }
    off = body + size + (size & 1);
  }
  throw new Error(fmt === undefined ? 'no fmt chunk found' : 'no data chunk found');
}

/** Read enough of `path` to check its header (chunks before "data" are small in practice). */
export async function checkWavFile(path: string): Promise<WavInfo> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = new Uint8Array(Math.min(size, 1 << 16));
    await fh.read(head, 0, head.length, 0);
    return checkWavHeader(head, size);
  } finally {
    await fh.close();
  }
}
