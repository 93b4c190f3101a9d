// The HYDR push protocol (docs/framing.md): one header, then length-prefixed frames of PCM.
// The parser is incremental (bytes may arrive split anywhere) and bounded (a frame length above
// the limit is an error before anything is allocated for it).
import { bytesPerSample, type SampleFormat } from './pcm-format.ts';

export const MAGIC = 'HYDR';
export const VERSION = 1;
export const HEADER_BYTES = 20;
/** Frame prefix: u32 length, u32 seq, u8 flags. */
export const FRAME_PREFIX_BYTES = 9;
export const FLAG_TIMESTAMP = 1;
/** Default largest frame body accepted: 1 MiB (≈ 5.5 s of 48 kHz stereo s16). */
export const DEFAULT_MAX_FRAME_BYTES = 1 << 20;

const FORMAT_CODES: Record<number, SampleFormat> = { 1: 's16le', 2: 's24le', 3: 'f32le' };
const CODE_OF: Record<SampleFormat, number> = { s16le: 1, s24le: 2, f32le: 3 };

export interface StreamHeader {
  readonly version: number;
  readonly format: SampleFormat;
  readonly channels: number;
  readonly sampleRate: number;
  /** Epoch ms of the first sample of the first frame; null = unknown (the monitor uses its wall clock). */
  readonly startMs: number | null;
}

export interface Frame {
  readonly seq: number;
  /** Epoch ms of the frame's first sample, when the pusher says. */
  readonly timestampMs?: number;
  /** Interleaved samples in the header's format (whole sample frames). */
  readonly payload: Uint8Array;
}

export type FramingEvent = { readonly kind: 'header'; readonly header: StreamHeader } | { readonly kind: 'frame'; readonly frame: Frame };

export class FramingError extends Error {
  override readonly name = 'FramingError';
}

export function encodeHeader(h: Omit<StreamHeader, 'version'> & { version?: number }): Uint8Array {
  const b = new Uint8Array(HEADER_BYTES);
  const dv = new DataView(b.buffer);
  b.set(new TextEncoder().encode(MAGIC), 0);
  dv.setUint8(4, h.version ?? VERSION);
  dv.setUint8(5, CODE_OF[h.format]);
  dv.setUint16(6, h.channels, true);
  dv.setUint32(8, h.sampleRate, true);
  dv.setFloat64(12, h.startMs ?? Number.NaN, true);
  return b;
}

export function encodeFrame(seq: number, payload: Uint8Array, timestampMs?: number): Uint8Array {
  const ts = timestampMs !== undefined;
  const bodyLen = 5 + (ts ? 8 : 0) + payload.length; // seq + flags [+ ts] + payload
  const b = new Uint8Array(4 + bodyLen);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, bodyLen, true);
  dv.setUint32(4, seq >>> 0, true);
  dv.setUint8(8, ts ? FLAG_TIMESTAMP : 0);
  let p = 9;
  if (ts) {
    dv.setFloat64(p, timestampMs, true);
    p += 8;
  }
  b.set(payload, p);
  return b;
}

export function parseHeader(b: Uint8Array): StreamHeader {
  const magic = String.fromCharCode(b[0], b[1], b[2], b[3]);
  if (magic !== MAGIC) {
    const printable = /^[\x20-\x7e]{4}$/.test(magic) ? `"${magic}"` : `bytes ${Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ')}`;
    throw new FramingError(`bad magic ${printable}: expected "${MAGIC}" (not a HYDR stream)`);
  }
  const dv = new DataView(b.buffer, b.byteOffset, HEADER_BYTES);
  const version = dv.getUint8(4);
  if (version !== VERSION) throw new FramingError(`unsupported HYDR version ${version} (this monitor speaks ${VERSION})`);
  const code = dv.getUint8(5);
  const format = FORMAT_CODES[code];
  if (!format) throw new FramingError(`unknown sample format code ${code} (1=s16le, 2=s24le, 3=f32le)`);
  const channels = dv.getUint16(6, true);
  if (channels < 1 || channels > 64) throw new FramingError(`bad channel count ${channels} (1..64)`);
  const sampleRate = dv.getUint32(8, true);
  if (sampleRate < 1000 || sampleRate > 1_536_000) throw new FramingError(`bad sample rate ${sampleRate} Hz (1000..1536000)`);
  const start = dv.getFloat64(12, true);
  if (!Number.isNaN(start) && (!Number.isFinite(start) || start < 0)) throw new FramingError(`bad start time ${start}`);
  return { version, format, channels, sampleRate, startMs: Number.isNaN(start) ? null : start };
}

export interface FrameParser {
  /** Feed bytes; returns the header/frames they completed. Throws FramingError on bad input (the parser is then dead). */
  push(bytes: Uint8Array): FramingEvent[];
  readonly header: StreamHeader | null;
  /** Bytes held waiting for the rest of a header or frame. */
  readonly buffered: number;
}

export function createFrameParser(opts: { maxFrameBytes?: number } = {}): FrameParser {
  const maxFrame = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const parts: Uint8Array[] = [];
  let have = 0;
  let header: StreamHeader | null = null;
  let dead: FramingError | null = null;

  /** Copy out the first n buffered bytes (n ≤ have) without consuming them. */
  const peek = (n: number): Uint8Array => {
    const first = parts[0];
    if (first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let p = 0;
    for (const part of parts) {
      const take = Math.min(part.length, n - p);
      out.set(part.subarray(0, take), p);
      p += take;
      if (p === n) break;
    }
    return out;
  };
  const consume = (n: number): void => {
    have -= n;
    while (n > 0) {
      const first = parts[0];
      if (first.length <= n) {
        parts.shift();
        n -= first.length;
      } else {
        parts[0] = first.subarray(n);
        n = 0;
      }
    }
  };
  const fail = (e: FramingError): never => {
    dead = e;
    parts.length = 0;
    have = 0;
    throw e;
  };

  return {
    get header() {
      return header;
    },
    get buffered() {
      return have;
    },
    push(bytes: Uint8Array): FramingEvent[] {
      if (dead) throw dead;
      const out: FramingEvent[] = [];
      if (bytes.length > 0) {
        parts.push(bytes);
        have += bytes.length;
      }
      for (;;) {
        if (header === null) {
          // Check the magic as soon as 4 bytes are here, so garbage is refused at once.
          if (have >= 4 && String.fromCharCode(...peek(4)) !== MAGIC) {
            try {
              parseHeader(peek(have >= HEADER_BYTES ? HEADER_BYTES : 4));
            } catch (e) {
              fail(e as FramingError);
            }
          }
          if (have < HEADER_BYTES) return out;
          try {
            header = parseHeader(peek(HEADER_BYTES));
          } catch (e) {
            fail(e as FramingError);
          }
          consume(HEADER_BYTES);
          out.push({ kind: 'header', header: header! });
          continue;
        }
        if (have < 4) return out;
        const lenBytes = peek(4);
        const bodyLen = new DataView(lenBytes.buffer, lenBytes.byteOffset, 4).getUint32(0, true);
        if (bodyLen < 5) fail(new FramingError(`frame length ${bodyLen} is shorter than the 5-byte frame prefix`));
        if (bodyLen > maxFrame + 13) fail(new FramingError(`frame length ${bodyLen} bytes exceeds the limit of ${maxFrame} bytes`));
        if (have < 4 + bodyLen) return out;
        const whole = peek(4 + bodyLen).slice(); // own copy: the parts may be reused by the transport
        consume(4 + bodyLen);
        const dv = new DataView(whole.buffer, whole.byteOffset, whole.byteLength);
        const seq = dv.getUint32(4, true);
        const flags = dv.getUint8(8);
        if (flags & ~FLAG_TIMESTAMP) fail(new FramingError(`frame ${seq}: unknown flags 0x${flags.toString(16)}`));
        let p = 9;
        let timestampMs: number | undefined;
        if (flags & FLAG_TIMESTAMP) {
          if (bodyLen < 13) fail(new FramingError(`frame ${seq}: timestamp flag set but frame is too short`));
          timestampMs = dv.getFloat64(p, true);
          if (!Number.isFinite(timestampMs)) fail(new FramingError(`frame ${seq}: timestamp is not a finite number`));
          p += 8;
        }
        const payload = whole.subarray(p);
        const frameBytes = bytesPerSample(header.format) * header.channels;
        if (payload.length % frameBytes !== 0) {
          fail(new FramingError(`frame ${seq}: payload of ${payload.length} bytes is not a whole number of ${header.channels}-channel ${header.format} samples`));
        }
        out.push({ kind: 'frame', frame: timestampMs === undefined ? { seq, payload } : { seq, timestampMs, payload } });
      }
    },
  };
}
