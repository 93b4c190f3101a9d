// Just enough WAV reading for the dashboard's clip spectrograms: PCM 8/16/24/32-bit and float
// 32/64, any channel count (mixed to mono), WAVE_FORMAT_EXTENSIBLE included.

export interface DecodedWav {
  readonly sampleRate: number;
  readonly channels: number;
  /** Mono mix, nominal range [-1, 1]. */
  readonly samples: Float32Array;
}

export class WavError extends Error {}

/** Decode a RIFF/WAVE file. `name` is used in errors so the user knows which clip was bad. */
export function decodeWav(bytes: Uint8Array, name = 'clip'): DecodedWav {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number): string => String.fromCharCode(bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new WavError(`${name}: not a RIFF/WAVE file`);
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | null = null;
  let data: { off: number; len: number } | null = null;
  let p = 12;
  while (p + 8 <= bytes.length) {
    const id = tag(p);
    const len = dv.getUint32(p + 4, true);
    const body = p + 8;
    if (id === 'fmt ') {
      if (len < 16) throw new WavError(`${name}: fmt chunk too short`);
      let format = dv.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE: the real format code is the first 2 bytes of the sub-format GUID.
      if (format === 0xfffe && len >= 26) format = dv.getUint16(body + 24, true);
      fmt = { format, channels: dv.getUint16(body + 2, true), sampleRate: dv.getUint32(body + 4, true), bits: dv.getUint16(body + 14, true) };
    } else if (id === 'data') {
      // Writers that stream may leave the length at 0 or too large: take what is there.
      data = { off: body, len: Math.min(len === 0 ? bytes.length - body : len, bytes.length - body) };
      break;
    }
    p = body + len + (len & 1);
  }
  if (!fmt) throw new WavError(`${name}: no fmt chunk`);
  if (!data) throw new WavError(`${name}: no data chunk`);
  const { format, channels, sampleRate, bits } = fmt;
  if (channels < 1 || sampleRate < 1) throw new WavError(`${name}: bad header (${channels} channels at ${sampleRate} Hz)`);
  const bps = bits / 8;
  const read = sampleReader(dv, format, bits, name);
  const frames = Math.floor(data.len / (bps * channels));
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += read(data.off + (i * channels + c) * bps);
    out[i] = s / channels;
  }
  return { sampleRate, channels, samples: out };
}

function sampleReader(dv: DataView, format: number, bits: number, name: string): (o: number) => number {
  if (format === 1) {
    if (bits === 8) return (o) => (dv.getUint8(o) - 128) / 128;
    if (bits === 16) return (o) => dv.getInt16(o, true) / 32768;
    if (bits === 24) return (o) => ((dv.getUint8(o) | (dv.getUint8(o + 1) << 8) | (dv.getInt8(o + 2) << 16))) / 8388608;
    if (bits === 32) return (o) => dv.getInt32(o, true) / 2147483648;
  } else if (format === 3) {
    if (bits === 32) return (o) => dv.getFloat32(o, true);
    if (bits === 64) return (o) => dv.getFloat64(o, true);
  }
  throw new WavError(`${name}: unsupported WAV sample format ${format} with ${bits} bits`);
}
