// MSB-first bit reader for FLAC frames, the two CRCs FLAC uses, and the frame decoder's errors.
// Running off the end of the buffer throws NEED_MORE so a streaming caller can fetch more bytes
// and retry the frame.

/** Thrown when a read passes the end of the buffer. */
export const NEED_MORE: unique symbol = Symbol('flac: need more bytes');

/** A structural fault in a frame (the caller wraps it into an AudioFormatError with the path). */
export class FlacFrameError extends Error {}

export class BitReader {
  /** Byte position of the next unread bit. */
  pos: number;
  /** Bits of buf[pos] already consumed (0..7). */
  bit = 0;

  constructor(readonly buf: Uint8Array, start: number, readonly end: number) {
    this.pos = start;
  }

  /** Unsigned value of the next n bits (n ≤ 53; exact in a double). */
  readBits(n: number): number {
    let v = 0;
    const buf = this.buf;
    while (n > 0) {
      if (this.pos >= this.end) throw NEED_MORE;
      const avail = 8 - this.bit;
      const take = n < avail ? n : avail;
      const bits = (buf[this.pos] >> (avail - take)) & ((1 << take) - 1);
      v = v * (1 << take) + bits;
      n -= take;
      this.bit += take;
      if (this.bit === 8) { this.bit = 0; this.pos++; }
    }
    return v;
  }

  /** Two's-complement value of the next n bits. */
  readSigned(n: number): number {
    if (n === 0) return 0;
    const v = this.readBits(n);
    const half = 2 ** (n - 1);
    return v >= half ? v - 2 * half : v;
  }

  /** Count of 0 bits before the next 1 bit (which is consumed). */
  readUnary(): number {
    let count = 0;
    const buf = this.buf;
    for (;;) {
      if (this.pos >= this.end) throw NEED_MORE;
      const byte = (buf[this.pos] << this.bit) & 0xff;
      if (byte !== 0) {
        const lz = Math.clz32(byte) - 24;
        count += lz;
        this.bit += lz + 1;
        if (this.bit === 8) { this.bit = 0; this.pos++; }
        return count;
      }
      count += 8 - this.bit;
      this.bit = 0;
      this.pos++;
    }
  }

  /** Skip to the next byte boundary. */
  align(): void {
    if (this.bit) { this.bit = 0; this.pos++; }
  }
}

/**
 * out[i, stop) = the next n-bit two's-complement values (n = 1..33): VERBATIM subframes and
 * escaped partitions, whose per-value readSigned calls dominated noisy streams. Like readRice,
 * it works on a 32-bit cache in locals, whose top n bits, shifted down arithmetically, are
 * already the signed value.
 */
export function readSignedRun(br: BitReader, out: Float64Array, i: number, stop: number, n: number): void {
  if (i >= stop) return;
  const buf = br.buf;
  const end = br.end;
  let pos = br.pos;
  if (pos >= end) throw NEED_MORE;
  let cache = buf[pos++] << (24 + br.bit);
  let bits = 8 - br.bit;
  // A refill leaves at least 25 bits: wider values come as a signed top part and 16 low bits.
  const top = n > 25 ? n - 16 : n;
  for (; i < stop; i++) {
    while (bits <= 24 && pos < end) { cache |= buf[pos++] << (24 - bits); bits += 8; }
    if (bits < top) throw NEED_MORE;
    let v = cache >> (32 - top);
    cache <<= top;
    bits -= top;
    if (top !== n) {
      while (bits <= 24 && pos < end) { cache |= buf[pos++] << (24 - bits); bits += 8; }
      if (bits < 16) throw NEED_MORE;
      v = v * 65536 + (cache >>> 16);
      cache <<= 16;
      bits -= 16;
    }
    out[i] = v;
  }
  br.pos = pos - ((bits + 7) >> 3);
  br.bit = (8 - (bits & 7)) & 7;
}

const CRC8 = new Uint8Array(256);
// CRC16[k·256 + x]: the CRC-16 of byte x followed by k zero bytes, k = 0..7. The CRC is linear,
// so eight bytes fold in with eight independent lookups (slicing-by-8) instead of a chain of eight.
const CRC16 = new Uint16Array(8 * 256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  CRC8[i] = c;
  let d = i << 8;
  for (let k = 0; k < 8; k++) d = d & 0x8000 ? ((d << 1) ^ 0x8005) & 0xffff : (d << 1) & 0xffff;
  CRC16[i] = d;
}
for (let k = 1; k < 8; k++) {
  for (let i = 0; i < 256; i++) {
    const c = CRC16[(k - 1) * 256 + i];
    CRC16[k * 256 + i] = ((c << 8) & 0xffff) ^ CRC16[c >> 8];
  }
}

/** CRC-8 (poly 0x07) of buf[from, to): guards the frame header. */
export function crc8(buf: Uint8Array, from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) c = CRC8[c ^ buf[i]];
  return c;
}

/** CRC-16 (poly 0x8005) of buf[from, to): guards the whole frame. */
export function crc16(buf: Uint8Array, from: number, to: number): number {
  let c = 0;
  let i = from;
  // The 16-bit register meets the first two bytes of each group of eight; the other six only
  // need their own tables.
  for (; i + 8 <= to; i += 8) {
    c = CRC16[7 * 256 + ((c >> 8) ^ buf[i])] ^ CRC16[6 * 256 + ((c & 0xff) ^ buf[i + 1])]
      ^ CRC16[5 * 256 + buf[i + 2]] ^ CRC16[4 * 256 + buf[i + 3]] ^ CRC16[3 * 256 + buf[i + 4]]
      ^ CRC16[2 * 256 + buf[i + 5]] ^ CRC16[256 + buf[i + 6]] ^ CRC16[buf[i + 7]];
  }
  for (; i < to; i++) c = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ buf[i]];
  return c;
}
