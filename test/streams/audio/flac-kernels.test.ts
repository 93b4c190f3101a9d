// The FLAC decoder's inner loops against plain reference versions of themselves, on random and
// adversarial input, equal to the last bit (Object.is, so a −0 would count): the Rice reader
// (32-bit cache, fast and general loops) and the raw-sample reader against bit-at-a-time readers,
// the sliced CRC-16 against the bitwise one.
import { describe, it, expect } from 'vitest';
import { BitReader, NEED_MORE, crc16, readSignedRun } from '../../../streams/audio/flac-bits.ts';
import { readRice } from '../../../streams/audio/flac-residual.ts';
import { rng } from '../../helpers/signals.ts';

/** A bit-at-a-time reader over buf[.., end), throwing NEED_MORE past it. */
function bitsFrom(buf: Uint8Array, pos: number, bit: number, end: number): { next: () => number; at: () => [number, number] } {
  let at = pos * 8 + bit;
  return {
    next: () => {
      if (at >> 3 >= end) throw NEED_MORE;
      const b = (buf[at >> 3] >> (7 - (at & 7))) & 1;
      at++;
      return b;
    },
    at: () => [at >> 3, at & 7],
  };
}

function refRice(buf: Uint8Array, pos: number, bit: number, end: number, out: Float64Array, i: number, stop: number, param: number): [number, number] {
  const r = bitsFrom(buf, pos, bit, end);
  for (; i < stop; i++) {
    let q = 0;
    while (r.next() === 0) q++;
    let low = 0;
    for (let k = 0; k < param; k++) low = low * 2 + r.next();
    const v = q * 2 ** param + low;
    out[i] = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }
  return r.at();
}

function refSigned(buf: Uint8Array, pos: number, bit: number, end: number, out: Float64Array, i: number, stop: number, n: number): [number, number] {
  const r = bitsFrom(buf, pos, bit, end);
  for (; i < stop; i++) {
    let v = 0;
    for (let k = 0; k < n; k++) v = v * 2 + r.next();
    out[i] = v >= 2 ** (n - 1) ? v - 2 ** n : v;
  }
  return r.at();
}

/** Random bytes; `zeros` of them 0 (long unary runs), the rest uniform. */
function bytes(n: number, zeros: number, r: () => number): Uint8Array {
  return Uint8Array.from({ length: n }, () => (r() < zeros ? 0 : Math.floor(r() * 256)));
}

type Reader = (br: BitReader, out: Float64Array, i: number, stop: number, k: number) => void;
type Ref = (buf: Uint8Array, pos: number, bit: number, end: number, out: Float64Array, i: number, stop: number, k: number) => [number, number];

/** Run the reader and its reference from the same place: same values, same end, same NEED_MORE. */
function same(read: Reader, ref: Ref, buf: Uint8Array, pos: number, bit: number, end: number, i: number, stop: number, k: number): 'read' | 'more' {
  const a = new Float64Array(stop), b = new Float64Array(stop);
  let want: [number, number] | 'more';
  try { want = ref(buf, pos, bit, end, b, i, stop, k); } catch (e) { if (e !== NEED_MORE) throw e; want = 'more'; }
  const br = new BitReader(buf, pos, end);
  br.bit = bit;
  let got: [number, number] | 'more';
  try { read(br, a, i, stop, k); got = [br.pos, br.bit]; } catch (e) { if (e !== NEED_MORE) throw e; got = 'more'; }
  const where = `k=${k} from ${pos}.${bit} to end ${end}, samples ${i}..${stop}`;
  expect(got, where).toEqual(want);
  if (want !== 'more') for (let s = i; s < stop; s++) if (!Object.is(a[s], b[s])) throw new Error(`${where}: sample ${s} is ${a[s]}, reference ${b[s]}`);
  return want === 'more' ? 'more' : 'read';
}

describe('FLAC Rice reader', () => {
  it('equals a bit-at-a-time reader: parameters 0..30, any start bit, dense and sparse bits, cut buffers', () => {
    const r = rng(2024);
    const seen = { read: 0, more: 0 };
    for (let t = 0; t < 3000; t++) {
      const buf = bytes(64 + Math.floor(r() * 600), [0, 0.5, 0.9, 0.99][t % 4], r);
      const param = t % 31;
      const pos = Math.floor(r() * 16), bit = Math.floor(r() * 8);
      const i = Math.floor(r() * 4);
      const stop = i + Math.floor(r() * 200);
      // mostly the whole buffer; sometimes an end that cuts into the codes
      const end = r() < 0.7 ? buf.length : pos + 1 + Math.floor(r() * (buf.length - pos - 1));
      seen[same(readRice, refRice, buf, pos, bit, end, i, stop, param)]++;
    }
    expect(seen.read).toBeGreaterThan(1000);
    expect(seen.more).toBeGreaterThan(300);
  });

  it('quotients too big for 32 bits (all-zero runs) come out exact, as doubles', () => {
    const buf = new Uint8Array(2000);
    buf[1500] = 0x80; // 12,000 zeros, then the stop bit
    buf[1999] = 0xff;
    for (const param of [1, 8, 19, 20, 24, 25, 30]) same(readRice, refRice, buf, 0, 3, buf.length, 0, 2, param);
  });
});

describe('FLAC raw sample reader (VERBATIM subframes, escaped partitions)', () => {
  it('equals a bit-at-a-time reader for 1..33 bits, any start bit, cut buffers', () => {
    const r = rng(77);
    let more = 0;
    for (let t = 0; t < 2000; t++) {
      const buf = bytes(32 + Math.floor(r() * 400), 0.2, r);
      const n = 1 + (t % 33);
      const pos = Math.floor(r() * 8), bit = Math.floor(r() * 8);
      const stop = Math.floor(r() * 100);
      const end = r() < 0.7 ? buf.length : pos + 1 + Math.floor(r() * (buf.length - pos - 1));
      if (same(readSignedRun, refSigned, buf, pos, bit, end, 0, stop, n) === 'more') more++;
    }
    expect(more).toBeGreaterThan(300);
  });
});

describe('FLAC CRC-16', () => {
  it('the sliced table equals the bitwise CRC for every length and offset', () => {
    const r = rng(5);
    const buf = bytes(300, 0.1, r);
    for (let from = 0; from < 12; from++) {
      for (let to = from; to <= buf.length; to++) {
        let c = 0;
        for (let i = from; i < to; i++) {
          c ^= buf[i] << 8;
          for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
        }
        if (crc16(buf, from, to) !== c) throw new Error(`crc16 of [${from}, ${to}) is ${crc16(buf, from, to)}, bitwise ${c}`);
      }
    }
  });
});
