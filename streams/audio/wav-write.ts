// WAV encoder: channels of float samples (nominal range [-1, 1]) → RIFF/WAVE bytes.
// Pure (no I/O) so clip writers, tests and exporters share one implementation; `writeWavFile`
// is the thin file-system wrapper.
import { writeFile } from 'node:fs/promises';

/** Sample encodings the writer produces. 'pcm16' and 'float32' are the ones the monitor stores. */
export type WavSampleFormat = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';

export interface WavWriteOptions {
  /** Default 'pcm16'. */
  readonly format?: WavSampleFormat;
  /** Write a WAVE_FORMAT_EXTENSIBLE header (needed by some tools for > 2 channels or > 16 bits). */
  readonly extensible?: boolean;
}

const BITS: Record<WavSampleFormat, number> = {
  pcm8: 8, pcm16: 16, pcm24: 24, pcm32: 32, float32: 32, float64: 64,
};

/** Bytes of one sample of `format`. */
export function bytesPerSample(format: WavSampleFormat): number {
  return BITS[format] / 8;
}

function isFloat(format: WavSampleFormat): boolean {
  return format === 'float32' || format === 'float64';
}

/** Clip to [-1, 1] and quantise (round half away from zero); NaN becomes 0 so files stay valid. */
function quantise(x: number, max: number): number {
  if (!(x === x)) return 0;
  const c = x > 1 ? 1 : x < -1 ? -1 : x;
  // Scale by max (not max+1) so +1.0 fits; symmetric range is what most tools expect.
  const v = c * max;
  return v < 0 ? -Math.round(-v) + 0 : Math.round(v); // symmetric: −0.5 step rounds like +0.5
}

/**
 * Encode channels (all the same length; a single Float32Array means mono) as a WAV file.
 * Float formats store samples unclipped; integer formats clip to [-1, 1].
 */
export function encodeWav(
  samples: Float32Array | readonly Float32Array[],
  sampleRate: number,
  opts: WavWriteOptions = {},
): Uint8Array {
  const channels: readonly Float32Array[] = samples instanceof Float32Array ? [samples] : samples;
  const format = opts.format ?? 'pcm16';
  const nCh = channels.length;
  if (nCh < 1) throw new RangeError('encodeWav: at least one channel is required');
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new RangeError(`encodeWav: sample rate must be a positive integer, got ${sampleRate}`);
  }
  const frames = channels[0].length;
  for (const ch of channels) {
    if (ch.length !== frames) throw new RangeError('encodeWav: channels differ in length');
  }
  const bps = bytesPerSample(format);
  const blockAlign = bps * nCh;
  const dataBytes = frames * blockAlign;
  const extensible = opts.extensible === true;
  const fmtSize = extensible ? 40 : isFloat(format) ? 18 : 16;
  // Float files carry a fact chunk (frames per channel), as the spec asks for non-PCM formats.
  const factSize = isFloat(format) ? 12 : 0;
  const pad = dataBytes & 1;
  const total = 12 + 8 + fmtSize + factSize + 8 + dataBytes + pad;
  if (total - 8 > 0xffffffff) throw new RangeError('encodeWav: data too large for RIFF (4 GiB)');

  const buf = new Uint8Array(total);
  const dv = new DataView(buf.buffer);
  let p = 0;
  const ascii = (s: string): void => {
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
  };
  const u16 = (v: number): void => { dv.setUint16(p, v, true); p += 2; };
  const u32 = (v: number): void => { dv.setUint32(p, v, true); p += 4; };

  ascii('RIFF'); u32(total - 8); ascii('WAVE');
  ascii('fmt '); u32(fmtSize);
  const tag = isFloat(format) ? 3 : 1;
  u16(extensible ? 0xfffe : tag);
  u16(nCh); u32(sampleRate); u32(sampleRate * blockAlign); u16(blockAlign); u16(bps * 8);
  if (extensible) {
    u16(22); u16(bps * 8);
    u32(nCh <= 2 ? (nCh === 1 ? 0x4 : 0x3) : 0); // speaker mask: centre / front L+R / unspecified
    // Subformat GUID {0000000X-0000-0010-8000-00aa00389b71}, X = format tag.
    u16(tag); u16(0x0000); u16(0x0000); u16(0x0010);
    for (const b of [0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]) buf[p++] = b;
  } else if (fmtSize === 18) {
    u16(0);
  }
  if (factSize) { ascii('fact'); u32(4); u32(frames); }
  ascii('data'); u32(dataBytes);

  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nCh; c++) {
      const x = channels[c][i];
      switch (format) {
        case 'pcm8': buf[p] = quantise(x, 127) + 128; break;
        case 'pcm16': dv.setInt16(p, quantise(x, 32767), true); break;
        case 'pcm24': {
          const v = quantise(x, 8388607);
          buf[p] = v & 0xff; buf[p + 1] = (v >> 8) & 0xff; buf[p + 2] = (v >> 16) & 0xff;
          break;
        }
        case 'pcm32': dv.setInt32(p, quantise(x, 2147483647), true); break;
        case 'float32': dv.setFloat32(p, x, true); break;
        case 'float64': dv.setFloat64(p, x, true); break;
      }
      p += bps;
    }
  }
  return buf;
}

/** Encode and write a WAV file (creating or replacing it). */
export async function writeWavFile(
  path: string,
  samples: Float32Array | readonly Float32Array[],
  sampleRate: number,
  opts: WavWriteOptions = {},
): Promise<void> {
  await writeFile(path, encodeWav(samples, sampleRate, opts));
}
