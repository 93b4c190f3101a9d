// FLAC residuals: Rice / Rice2 partitions, escape codes. The Rice loop is most of the decoder's
// time, so it reads through a 32-bit cache and finds each unary run with one Math.clz32 instead
// of walking bits or bytes.
import { FlacFrameError, NEED_MORE, readSignedRun, type BitReader } from './flac-bits.ts';


/** Read the residual of a FIXED/LPC subframe into out[order, n). */
export function readResidual(br: BitReader, n: number, order: number, out: Float64Array): void {
  const method = br.readBits(2);
  if (method > 1) throw new FlacFrameError(`reserved residual coding method ${method} at byte ${br.pos}`);
  const paramBits = method === 0 ? 4 : 5;
  const escape = method === 0 ? 15 : 31;
  const partOrder = br.readBits(4);
  const parts = 1 << partOrder;
  const per = n >> partOrder;
  if (per * parts !== n || per < order) {
    throw new FlacFrameError(`partition order ${partOrder} does not fit block size ${n} at byte ${br.pos}`);
  }
  let i = order;
  for (let p = 0; p < parts; p++) {
    const count = p === 0 ? per - order : per;
    const param = br.readBits(paramBits);
    const stop = i + count;
    if (param === escape) {
      const raw = br.readBits(5);
      if (raw) readSignedRun(br, out, i, stop, raw);
      else out.fill(0, i, stop);
      i = stop;
    } else {
      readRice(br, out, i, stop, param);
      i = stop;
    }
  }
}

/**
 * Rice-coded residuals out[i, stop) with parameter `param` (0..30): the decoder's hot loop. On
 * NEED_MORE the reader is left as it was; the caller retries the whole frame anyway.
 */
export function readRice(br: BitReader, out: Float64Array, i: number, stop: number, param: number): void {
  if (param === 0) { readUnaryResiduals(br, out, i, stop); return; }
  // The fast loop takes codes whose zeros, stop bit and `param` low bits fit in 25 bits, which is
  // nearly all of them for 8- to 24-bit audio; anything else goes to readRiceAny, one code at a
  // time, and the fast loop resumes after it.
  const maxZeros = 24 - param;
  if (maxZeros < 0) { readRiceAny(br, out, i, stop, param); return; }
  const buf = br.buf;
  const last = br.end - 4; // the loop loads 4 bytes at pos without checking the end
  while (i < stop) {
    let pos = br.pos;
    if (pos > last) { readRiceAny(br, out, i, stop, param); return; }
    // cache = the next 32 bits of the stream, of which the first `bits` (25..32) end at byte
    // pos; each refill ORs the 4 bytes at pos in just after them (bits already there are the
    // same stream bits, so OR keeps them) and moves pos by the whole bytes that took. No branch
    // depends on the data, so code lengths that vary at random cost no mispredictions.
    let cache = ((buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]) << br.bit;
    let bits = 32 - br.bit;
    pos += 4;
    for (; i < stop; i++) {
      const q = Math.clz32(cache);
      if (q > maxZeros || pos > last) break;
      const v = (q << param) | ((cache << q << 1) >>> (32 - param)); // < 2^25
      out[i] = (v >>> 1) ^ -(v & 1);
      cache = cache << q << 1 << param; // in three steps: a shift count of 32 would act as 0
      bits -= q + 1 + param;
      cache |= ((buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]) >>> bits;
      const bytes = (32 - bits) >> 3;
      pos += bytes;
      bits += bytes << 3;
    }
    br.pos = pos - ((bits + 7) >> 3);
    br.bit = (8 - (bits & 7)) & 7;
    if (i < stop) {
      readRiceAny(br, out, i, i + 1, param);
      i++;
    }
  }
}

/**
 * readRice for any code (param 1..30): unary runs of any length, parameters wider than the fast
 * loop takes, the last bytes of the buffer. `cache` holds the next `bits` unread bits
 * left-aligned, zeros below them; it refills a byte at a time, never reading past `end`.
 */
function readRiceAny(br: BitReader, out: Float64Array, i: number, stop: number, param: number): void {
  if (i >= stop) return;
  const buf = br.buf;
  const end = br.end;
  let pos = br.pos;
  if (pos >= end) throw NEED_MORE;
  let cache = buf[pos++] << (24 + br.bit);
  let bits = 8 - br.bit;
  // Largest quotient whose value (q << param | r) fits 32 bits; a larger one (corrupt or
  // pathological streams only: a valid residual fits 32 bits) is taken in doubles.
  const qMax = 2 ** (32 - param) - 1;
  for (; i < stop; i++) {
    while (bits <= 24 && pos < end) { cache |= buf[pos++] << (24 - bits); bits += 8; }
    let q = 0;
    while (cache === 0) { // every cached bit is 0: the unary run goes on past the cache
      q += bits;
      bits = 0;
      while (bits <= 24 && pos < end) { cache |= buf[pos++] << (24 - bits); bits += 8; }
      if (bits === 0) throw NEED_MORE;
    }
    const lz = Math.clz32(cache);
    q += lz;
    cache = (cache << lz) << 1; // two shifts: a shift count of 32 would be taken as 0
    bits -= lz + 1;
    let r: number;
    if (bits >= param) {
      r = cache >>> (32 - param);
      cache <<= param;
      bits -= param;
    } else {
      while (bits <= 24 && pos < end) { cache |= buf[pos++] << (24 - bits); bits += 8; }
      if (bits >= param) {
        r = cache >>> (32 - param);
        cache <<= param;
        bits -= param;
      } else {
        // A wide parameter (26..30) straddles a refill: the cache's 25+ bits, then the rest.
        if (pos >= end) throw NEED_MORE;
        const have = bits;
        const hi = cache >>> (32 - have);
        cache = 0;
        bits = 0;
        while (bits <= 24 && pos < end) { cache |= buf[pos++] << (24 - bits); bits += 8; }
        const rest = param - have;
        if (bits < rest) throw NEED_MORE;
        r = hi * (1 << rest) + (cache >>> (32 - rest));
        cache <<= rest;
        bits -= rest;
      }
    }
    if (q <= qMax) {
      const v = (q << param) | r; // the unsigned 32-bit value as int32 bits: the zigzag is exact
      out[i] = (v >>> 1) ^ -(v & 1);
    } else {
      out[i] = unzigzag(q * 2 ** param + r);
    }
  }
  // Hand the position of the first unread bit back to the byte/bit reader.
  br.pos = pos - ((bits + 7) >> 3);
  br.bit = (8 - (bits & 7)) & 7;
}

/** readRice with parameter 0: each residual is its unary code alone. */
function readUnaryResiduals(br: BitReader, out: Float64Array, i: number, stop: number): void {
  for (; i < stop; i++) {
    const v = br.readUnary();
    out[i] = v <= 0x7fffffff ? (v >>> 1) ^ -(v & 1) : unzigzag(v);
  }
}

/** Zigzag decoding (0, 1, 2, 3, … → 0, −1, 1, −2, …) of any integer a double holds exactly. */
function unzigzag(v: number): number {
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}
