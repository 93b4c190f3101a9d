// Interleaved integer/float PCM bytes → mono Float32 in [-1, 1). Multi-channel input is averaged
// (downmix), because every later stage expects one channel.

export type SampleFormat = 's16le' | 's24le' | 'f32le';

export function bytesPerSample(format: SampleFormat): number {
  return format === 's16le' ? 2 : format === 's24le' ? 3 : 4;
}

/** Decode `bytes` (whole frames only: length must be a multiple of channels × bytesPerSample). */
export function decodeToMono(bytes: Uint8Array, format: SampleFormat, channels: number): Float32Array {
  const bps = bytesPerSample(format);
  const frameBytes = bps * channels;
  if (bytes.length % frameBytes !== 0) {
    throw new Error(`PCM payload of ${bytes.length} bytes is not a whole number of ${channels}-channel ${format} frames`);
  }
  const n = bytes.length / frameBytes;
  const out = new Float32Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scale = 1 / channels;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    let p = i * frameBytes;
    for (let c = 0; c < channels; c++, p += bps) {
      if (format === 's16le') acc += dv.getInt16(p, true) / 32768;
      else if (format === 'f32le') acc += dv.getFloat32(p, true);
      else {
        // 24-bit little endian, sign-extended via the top byte.
        const v = bytes[p] | (bytes[p + 1] << 8) | (dv.getInt8(p + 2) << 16);
        acc += v / 8388608;
      }
    }
    out[i] = channels === 1 ? acc : acc * scale;
  }
  return out;
}

/** Mono float32 little-endian bytes (ffmpeg `-f f32le -ac 1`) → Float32Array, copying so alignment is safe. */
export function f32leToFloat32(bytes: Uint8Array): Float32Array {
  const n = Math.floor(bytes.length / 4);
  const out = new Float32Array(n);
  new Uint8Array(out.buffer).set(bytes.subarray(0, n * 4));
  return out;
}
