// The FLAC decoder's inner loops against plain reference versions of themselves, on random and
// adversarial input: the Rice reader (32-bit cache, fast and general loops) against a bit-at-a-time
// reader, the raw-sample reader, the sliced CRC-16 against the bitwise one, and the reordered
// FIXED/LPC loops against the in-order reference loops — equal to the last bit (Object.is, so a
// −0 would count), and declining (false) rather than differing once a corrupt stream leaves the
// range where they are exact.
import { describe, it, expect } from 'vitest';
import { BitReader, NEED_MORE, crc16, readSignedRun } from '../../../streams/audio/flac-bits.ts';
import { readRice } from '../../../streams/audio/flac-residual.ts';
import { restoreFixed, restoreFixedFast, restoreLpc, restoreLpcFast } from '../../../streams/audio/flac-predict.ts';
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

describe('FLAC predictor loops', () => {
  /** Residuals that make the reference LPC loop produce x from its first `order` samples. */
  function residualsFor(x: number[], coefs: number[], shift: number): Float64Array {
    const s = Float64Array.from(x);
    for (let i = coefs.length; i < x.length; i++) {
      let sum = 0n;
      for (let j = 0; j < coefs.length; j++) sum += BigInt(coefs[j]) * BigInt(x[i - 1 - j]);
      s[i] = x[i] - Number(sum >> BigInt(shift));
    }
    return s;
  }

  function identical(a: Float64Array, b: Float64Array): boolean {
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }

  it('LPC orders 1..32 on legal streams of 4..33-bit samples: the fast loop gives the reference samples', () => {
    const r = rng(9);
    for (let t = 0; t < 600; t++) {
      const order = 1 + (t % 32);
      const bits = 4 + Math.floor(r() * 30); // up to 33: a 32-bit stream's side channel
      const precision = 1 + Math.floor(r() * 15);
      const shift = Math.floor(r() * 16);
      const cmax = 2 ** (precision - 1);
      const coefs = Array.from({ length: order }, () => Math.floor(r() * 2 * cmax) - cmax);
      const smax = 2 ** (bits - 1);
      const x = Array.from({ length: 64 + order }, () => Math.floor(r() * 2 * smax) - smax);
      x[order] = -smax; // the extremes of the range
      x[order + 1] = smax - 1;
      const res = residualsFor(x, coefs, shift);
      const a = res.slice(), b = res.slice();
      restoreLpc(a, x.length, Float64Array.from(coefs), shift);
      expect(restoreLpcFast(b, x.length, Float64Array.from(coefs), shift), `order ${order}, ${bits} bits`).toBe(true);
      expect(Array.from(a)).toEqual(x);
      if (!identical(a, b)) throw new Error(`order ${order}, ${bits} bits, shift ${shift}: the fast loop differs`);
    }
  });

  it('LPC on corrupt streams (samples past 2^33, residuals near 2^53): equal to the reference or declined', () => {
    const r = rng(10);
    const outcome = { equal: 0, declined: 0 };
    for (let t = 0; t < 2000; t++) {
      const order = 1 + (t % 12);
      const shift = Math.floor(r() * 16);
      // Every other case a damped predictor (Σ|c| ≤ 2^shift), which only grows with the residuals
      const cmax = t % 2 ? 16384 : Math.max(1, Math.floor(2 ** shift / order));
      const coefs = Float64Array.from({ length: order }, () => Math.floor(r() * 2 * cmax) - cmax);
      const big = 2 ** [20, 31, 34, 45, 52, 53, 60][t % 7];
      const s = Float64Array.from({ length: 48 }, () => Math.floor((r() - 0.5) * big));
      const a = s.slice(), b = s.slice();
      restoreLpc(a, s.length, coefs, shift);
      if (restoreLpcFast(b, s.length, coefs, shift)) {
        if (!identical(a, b)) throw new Error(`case ${t}: the fast LPC loop accepted a corrupt subframe and differs`);
        outcome.equal++;
      } else outcome.declined++;
    }
    expect(outcome.equal).toBeGreaterThan(100);
    expect(outcome.declined).toBeGreaterThan(100);
  });

  it('FIXED orders 0..4: the reference samples on legal streams; equal or declined on corrupt ones', () => {
    const r = rng(11);
    const outcome = { equal: 0, declined: 0 };
    for (let t = 0; t < 1500; t++) {
      const order = t % 5;
      const big = 2 ** [8, 16, 24, 31, 33, 40, 53, 60][t % 8];
      const s = Float64Array.from({ length: 80 }, () => Math.floor((r() - 0.5) * big));
      if (big <= 2 ** 16) for (let i = 0; i < s.length; i++) s[i] = Math.floor((r() - 0.5) * 8); // stays small
      const a = s.slice(), b = s.slice();
      restoreFixed(a, s.length, order);
      const ok = restoreFixedFast(b, s.length, order);
      if (big <= 2 ** 16) expect(ok).toBe(true);
      if (ok) {
        if (!identical(a, b)) throw new Error(`case ${t}: the fast FIXED loop differs`);
        outcome.equal++;
      } else outcome.declined++;
    }
    expect(outcome.equal).toBeGreaterThan(100);
    expect(outcome.declined).toBeGreaterThan(100);
  });
});
