// One FLAC frame → integer samples per channel. Covers every subframe type (CONSTANT, VERBATIM,
// FIXED, LPC), wasted bits, Rice / Rice2 partitions with escape codes, and the three stereo
// decorrelation modes. Arithmetic is in doubles (exact to 2^53), so 32-bit streams, whose side
// channel needs 33 bits, decode exactly too.
import { BitReader, FlacFrameError, crc8, crc16, readSignedRun } from './flac-bits.ts';
import { restoreFixed, restoreFixedFast, restoreLpc, restoreLpcFast } from './flac-predict.ts';
import { readResidual } from './flac-residual.ts';

export { FlacFrameError };

export interface StreamInfo {
  readonly minBlockSize: number;
  readonly maxBlockSize: number;
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** 0 = unknown. */
  readonly totalSamples: number;
}

export interface DecodedFrame {
  readonly blockSize: number;
  /** Byte offset just past the frame. */
  readonly end: number;
  /** Index (per channel) of the frame's first sample in the stream, from its header. */
  readonly firstSample: number;
}

const BLOCK_SIZES = [0, 192, 576, 1152, 2304, 4608, -1, -2, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
const SAMPLE_SIZES = [0, 8, 12, -1, 16, 20, 24, 32];

/**
 * Decode the frame starting at byte `start` of `buf` into `out` (one Float64Array per channel;
 * arrays shorter than the block are replaced by larger ones). Throws NEED_MORE (from BitReader) when the buffer ends inside the frame.
 */
export function decodeFrame(
  buf: Uint8Array, start: number, end: number, info: StreamInfo, out: Float64Array[], verifyCrc = true,
): DecodedFrame {
  const br = new BitReader(buf, start, end);
  const b0 = br.readBits(8);
  const b1 = br.readBits(8);
  if (b0 !== 0xff || (b1 & 0xfe) !== 0xf8) throw new FlacFrameError(`lost frame sync at byte ${start}`);
  const b2 = br.readBits(8);
  const b3 = br.readBits(8);
  const bsCode = b2 >> 4;
  const srCode = b2 & 15;
  const chAssign = b3 >> 4;
  const ssCode = (b3 >> 1) & 7;
  if (b3 & 1) throw new FlacFrameError(`reserved bit set in frame header at byte ${start}`);
  // UTF-8-like coded frame number (fixed block size) or sample number (variable block size).
  const first = br.readBits(8);
  let extra = 0;
  let number = first;
  if (first >= 0x80) {
    if (first >= 0xc0 && first < 0xe0) { extra = 1; number = first & 0x1f; }
    else if (first >= 0xe0 && first < 0xf0) { extra = 2; number = first & 0x0f; }
    else if (first >= 0xf0 && first < 0xf8) { extra = 3; number = first & 0x07; }
    else if (first >= 0xf8 && first < 0xfc) { extra = 4; number = first & 0x03; }
    else if (first >= 0xfc && first < 0xfe) { extra = 5; number = first & 0x01; }
    else if (first === 0xfe) { extra = 6; number = 0; }
    else throw new FlacFrameError(`bad frame number coding at byte ${start}`);
  }
  for (let i = 0; i < extra; i++) {
    const c = br.readBits(8);
    if ((c & 0xc0) !== 0x80) throw new FlacFrameError(`bad frame number coding at byte ${start}`);
    number = number * 64 + (c & 0x3f);
  }
  const variable = (b1 & 1) === 1;
  let blockSize = BLOCK_SIZES[bsCode];
  if (blockSize === 0) throw new FlacFrameError(`reserved block size code at byte ${start}`);
  if (blockSize === -1) blockSize = br.readBits(8) + 1;
  else if (blockSize === -2) blockSize = br.readBits(16) + 1;
  if (srCode === 12) br.readBits(8);
  else if (srCode === 13 || srCode === 14) br.readBits(16);
  else if (srCode === 15) throw new FlacFrameError(`invalid sample rate code at byte ${start}`);
  const headerCrc = br.readBits(8);
  if (verifyCrc && crc8(buf, start, br.pos - 1) !== headerCrc) {
    throw new FlacFrameError(`frame header CRC-8 mismatch at byte ${start}`);
  }
  let bps = SAMPLE_SIZES[ssCode];
  if (bps === -1) throw new FlacFrameError(`reserved sample size code at byte ${start}`);
  if (bps === 0) bps = info.bitsPerSample;
  let nCh: number;
  if (chAssign < 8) nCh = chAssign + 1;
  else if (chAssign <= 10) nCh = 2;
  else throw new FlacFrameError(`reserved channel assignment ${chAssign} at byte ${start}`);
  if (nCh !== info.channels) {
    throw new FlacFrameError(`frame at byte ${start} has ${nCh} channels, STREAMINFO says ${info.channels}`);
  }
  for (let c = 0; c < nCh; c++) {
    if (out[c].length < blockSize) out[c] = new Float64Array(blockSize); // grow scratch on demand
    // The side channel carries one extra bit.
    const side = (chAssign === 8 && c === 1) || (chAssign === 9 && c === 0) || (chAssign === 10 && c === 1);
    decodeSubframe(br, bps + (side ? 1 : 0), blockSize, out[c]);
  }
  br.align();
  const frameCrc = br.readBits(16);
  if (verifyCrc && crc16(buf, start, br.pos - 2) !== frameCrc) {
    throw new FlacFrameError(`frame CRC-16 mismatch at byte ${start}`);
  }
  if (chAssign >= 8) decorrelate(chAssign, out[0], out[1], blockSize);
  // Fixed-size streams number frames; every frame but the last has the STREAMINFO block size.
  const fixedSize = info.maxBlockSize && info.minBlockSize === info.maxBlockSize ? info.maxBlockSize : blockSize;
  return { blockSize, end: br.pos, firstSample: variable ? number : number * fixedSize };
}

function decorrelate(mode: number, a: Float64Array, b: Float64Array, n: number): void {
  if (mode === 8) {
    for (let i = 0; i < n; i++) b[i] = a[i] - b[i]; // left, side → right = left − side
  } else if (mode === 9) {
    for (let i = 0; i < n; i++) a[i] = a[i] + b[i]; // side, right → left = side + right
  } else {
    for (let i = 0; i < n; i++) {
      const side = b[i];
      // The side's low bit, by `& 1` (ToInt32 keeps an integer's parity; `%` on doubles is a
      // slow fmod call). Non-finite sides give 0 rather than 1 here, but then mid ± side is
      // non-finite either way.
      const mid = a[i] * 2 + (side & 1);
      a[i] = (mid + side) / 2;
      b[i] = (mid - side) / 2;
    }
  }
}

function decodeSubframe(br: BitReader, bps: number, n: number, out: Float64Array): void {
  if (br.readBits(1) !== 0) throw new FlacFrameError(`subframe padding bit set at byte ${br.pos}`);
  const type = br.readBits(6);
  let wasted = 0;
  if (br.readBits(1)) wasted = br.readUnary() + 1;
  const sbps = bps - wasted;
  if (sbps <= 0) throw new FlacFrameError(`subframe wastes ${wasted} of ${bps} bits at byte ${br.pos}`);
  if (type === 0) {
    const v = br.readSigned(sbps);
    out.fill(v, 0, n);
  } else if (type === 1) {
    readSignedRun(br, out, 0, n, sbps);
  } else if (type >= 8 && type <= 12) {
    const order = type - 8;
    if (order > n) throw new FlacFrameError(`FIXED order ${order} exceeds block size ${n}`);
    for (let i = 0; i < order; i++) out[i] = br.readSigned(sbps);
    const pos = br.pos, bit = br.bit;
    readResidual(br, n, order, out);
    if (!restoreFixedFast(out, n, order)) {
      // A corrupt stream left the range where the fast loop is exact: read the residuals
      // again and take the reference loop.
      br.pos = pos;
      br.bit = bit;
      readResidual(br, n, order, out);
      restoreFixed(out, n, order);
    }
  } else if (type >= 32) {
    const order = (type & 31) + 1;
    if (order > n) throw new FlacFrameError(`LPC order ${order} exceeds block size ${n}`);
    for (let i = 0; i < order; i++) out[i] = br.readSigned(sbps);
    const precision = br.readBits(4) + 1;
    if (precision === 16) throw new FlacFrameError(`invalid LPC coefficient precision at byte ${br.pos}`);
    const shift = br.readSigned(5);
    if (shift < 0) throw new FlacFrameError(`negative LPC shift at byte ${br.pos}`);
    const coefs = new Float64Array(order);
    for (let i = 0; i < order; i++) coefs[i] = br.readSigned(precision);
    const pos = br.pos, bit = br.bit;
    readResidual(br, n, order, out);
    if (!restoreLpcFast(out, n, coefs, shift)) {
      // A corrupt stream left the range where the fast loop is exact: read the residuals
      // again and take the reference loop.
      br.pos = pos;
      br.bit = bit;
      readResidual(br, n, order, out);
      restoreLpc(out, n, coefs, shift);
    }
  } else {
    throw new FlacFrameError(`reserved subframe type ${type} at byte ${br.pos}`);
  }
  if (wasted) {
    const m = 2 ** wasted;
    for (let i = 0; i < n; i++) out[i] *= m;
  }
}
