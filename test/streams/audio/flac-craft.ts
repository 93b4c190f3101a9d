// A small FLAC writer for tests: frames whose every choice — subframe type, predictor, Rice
// method, partition order, each partition's parameter or escape — is the test's, so the decoder
// meets codes an encoder would rarely pick (parameter 30, escapes, 10,000-bit unary runs,
// 33-bit side channels). Samples are integers; predictors are computed in BigInt, exactly.

/** A partition's coding: a Rice parameter, or an escape with this many raw bits per residual. */
export type Part = number | { raw: number };

export interface Residual {
  /** 0: 4-bit parameters (escape 15); 1: 5-bit parameters (escape 31). */
  method: 0 | 1;
  partOrder: number;
  /** One per partition; omitted: the best plain Rice parameter for each. */
  parts?: Part[];
}

export type Subframe =
  | { type: 'constant' }
  | { type: 'verbatim' }
  | { type: 'fixed'; order: number; residual: Residual }
  | { type: 'lpc'; coefs: number[]; precision: number; shift: number; residual: Residual };

export type ChannelMode = 'independent' | 'left-side' | 'right-side' | 'mid-side';

export interface Frame {
  /** The output samples, one array per channel, all of the frame's block size. */
  channels: number[][];
  mode?: ChannelMode;
  /** One per coded channel (after stereo decorrelation). */
  subframes: Subframe[];
  /** Wasted low bits per subframe (the samples must have them zero). */
  wasted?: number[];
}

class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;

  /** The low n bits of v (a non-negative integer below 2^n), MSB first. */
  bits(v: number | bigint, n: number): void {
    if (typeof v === 'number' && n <= 30) {
      for (let k = n - 1; k >= 0; k--) this.bit((v >> k) & 1);
      return;
    }
    const b = BigInt(v);
    for (let k = n - 1; k >= 0; k--) this.bit(Number((b >> BigInt(k)) & 1n));
  }

  signed(v: number | bigint, n: number): void {
    const b = BigInt(v);
    const lim = 1n << BigInt(n - 1);
    if (b < -lim || b >= lim) throw new Error(`flac-craft: ${b} does not fit ${n} signed bits`);
    this.bits(b < 0n ? b + (1n << BigInt(n)) : b, n);
  }

  unary(zeros: number): void {
    for (let k = 0; k < zeros; k++) this.bit(0);
    this.bit(1);
  }

  bit(b: number): void {
    this.acc = (this.acc << 1) | b;
    if (++this.n === 8) { this.bytes.push(this.acc); this.acc = 0; this.n = 0; }
  }

  align(): void {
    while (this.n) this.bit(0);
  }

  take(): number[] { this.align(); return this.bytes.splice(0); }
}

function crc8(b: number[]): number {
  let c = 0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
}

function crc16(b: number[]): number {
  let c = 0;
  for (const x of b) {
    c ^= x << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
  }
  return c;
}

const FIXED: bigint[][] = [[], [1n], [2n, -1n], [3n, -3n, 1n], [4n, -6n, 4n, -1n]];

/** Residuals of x after prediction (x[i] − prediction from x[i−1], x[i−2], …), i ≥ order. */
function residuals(x: bigint[], coefs: bigint[], shift: number): bigint[] {
  const r: bigint[] = [];
  for (let i = coefs.length; i < x.length; i++) {
    let sum = 0n;
    for (let j = 0; j < coefs.length; j++) sum += coefs[j] * x[i - 1 - j];
    r.push(x[i] - (sum >> BigInt(shift))); // BigInt >> floors, as FLAC's shift does
  }
  return r;
}

const zigzag = (r: bigint): bigint => (r >= 0n ? 2n * r : -2n * r - 1n);

function bestParam(rs: bigint[], max: number): number {
  let best = 0;
  let bestBits = Infinity;
  for (let p = 0; p <= max; p++) {
    let bits = 0;
    for (const r of rs) bits += Number(zigzag(r) >> BigInt(p)) + 1 + p;
    if (bits < bestBits) { bestBits = bits; best = p; }
  }
  return best;
}

function writeResidual(w: BitWriter, rs: bigint[], order: number, n: number, spec: Residual): void {
  w.bits(spec.method, 2);
  w.bits(spec.partOrder, 4);
  const parts = 1 << spec.partOrder;
  const per = n >> spec.partOrder;
  const paramBits = spec.method === 0 ? 4 : 5;
  const escape = spec.method === 0 ? 15 : 31;
  let at = 0;
  for (let p = 0; p < parts; p++) {
    const count = p === 0 ? per - order : per;
    const chunk = rs.slice(at, at + count);
    at += count;
    const part = spec.parts?.[p] ?? bestParam(chunk, escape - 1);
    if (typeof part === 'number') {
      if (part >= escape) throw new Error(`flac-craft: parameter ${part} is the escape code`);
      w.bits(part, paramBits);
      for (const r of chunk) {
        const u = zigzag(r);
        w.unary(Number(u >> BigInt(part)));
        w.bits(u & ((1n << BigInt(part)) - 1n), part);
      }
    } else {
      w.bits(escape, paramBits);
      w.bits(part.raw, 5);
      for (const r of chunk) {
        if (part.raw === 0) { if (r !== 0n) throw new Error('flac-craft: a 0-bit escape needs zero residuals'); } else w.signed(r, part.raw);
      }
    }
  }
}

function writeSubframe(w: BitWriter, x: bigint[], sbps: number, wasted: number, sf: Subframe): void {
  const type = sf.type === 'constant' ? 0 : sf.type === 'verbatim' ? 1 : sf.type === 'fixed' ? 8 + sf.order : 31 + sf.coefs.length;
  w.bits(0, 1);
  w.bits(type, 6);
  if (wasted) { w.bits(1, 1); w.unary(wasted - 1); } else w.bits(0, 1);
  const v = x.map((s) => {
    if (s % (1n << BigInt(wasted)) !== 0n) throw new Error('flac-craft: wasted bits are not zero');
    return s >> BigInt(wasted);
  });
  const bits = sbps - wasted;
  if (sf.type === 'constant') {
    if (v.some((s) => s !== v[0])) throw new Error('flac-craft: constant subframe of varying samples');
    w.signed(v[0], bits);
  } else if (sf.type === 'verbatim') {
    for (const s of v) w.signed(s, bits);
  } else if (sf.type === 'fixed') {
    for (let i = 0; i < sf.order; i++) w.signed(v[i], bits);
    writeResidual(w, residuals(v, FIXED[sf.order], 0), sf.order, v.length, sf.residual);
  } else {
    const order = sf.coefs.length;
    for (let i = 0; i < order; i++) w.signed(v[i], bits);
    w.bits(sf.precision - 1, 4);
    w.signed(sf.shift, 5);
    for (const c of sf.coefs) w.signed(c, sf.precision);
    writeResidual(w, residuals(v, sf.coefs.map(BigInt), sf.shift), order, v.length, sf.residual);
  }
}

const MODES: Record<ChannelMode, number> = { 'independent': -1, 'left-side': 8, 'right-side': 9, 'mid-side': 10 };

/** The coded channels of a frame: stereo modes replace one or both channels by side and mid. */
function coded(ch: bigint[][], mode: ChannelMode): { x: bigint[]; extra: number }[] {
  if (mode === 'independent') return ch.map((x) => ({ x, extra: 0 }));
  const [l, r] = ch;
  const side = l.map((s, i) => s - r[i]);
  if (mode === 'left-side') return [{ x: l, extra: 0 }, { x: side, extra: 1 }];
  if (mode === 'right-side') return [{ x: side, extra: 1 }, { x: r, extra: 0 }];
  return [{ x: l.map((s, i) => (s + r[i]) >> 1n), extra: 0 }, { x: side, extra: 1 }];
}

/** A whole FLAC file: STREAMINFO, then the frames (fixed block size: all but the last full). */
export function craftFlac(opts: { sampleRate: number; bitsPerSample: number; frames: Frame[] }): Uint8Array {
  const { sampleRate, bitsPerSample: bps, frames } = opts;
  const nCh = frames[0].channels.length;
  const block = frames[0].channels[0].length;
  const total = frames.reduce((n, f) => n + f.channels[0].length, 0);
  const w = new BitWriter();
  w.bits(0x664c6143, 32); // fLaC
  w.bits(0x80, 8); // last metadata block, STREAMINFO
  w.bits(34, 24);
  w.bits(block, 16);
  w.bits(block, 16);
  w.bits(0, 24);
  w.bits(0, 24);
  w.bits(sampleRate, 20);
  w.bits(nCh - 1, 3);
  w.bits(bps - 1, 5);
  w.bits(total, 36);
  for (let k = 0; k < 16; k++) w.bits(0, 8); // MD5 unknown
  const out = w.take();
  frames.forEach((f, number) => {
    const mode = f.mode ?? 'independent';
    const n = f.channels[0].length;
    w.bits(0xfff8, 16); // sync, fixed block size
    w.bits(7, 4); // block size: 16 bits follow
    w.bits(0, 4); // sample rate: from STREAMINFO
    w.bits(mode === 'independent' ? nCh - 1 : MODES[mode], 4);
    w.bits(0, 3); // sample size: from STREAMINFO
    w.bits(0, 1);
    if (number >= 128) throw new Error('flac-craft: up to 128 frames');
    w.bits(number, 8);
    w.bits(n - 1, 16);
    const head = w.take();
    const frame = [...head, crc8(head)];
    coded(f.channels.map((c) => c.map(BigInt)), mode).forEach(({ x, extra }, c) => {
      writeSubframe(w, x, bps + extra, f.wasted?.[c] ?? 0, f.subframes[c]);
    });
    for (const b of w.take()) frame.push(b); // (no spread: a frame can outgrow the argument limit)
    const crc = crc16(frame);
    for (const b of frame) out.push(b);
    out.push(crc >> 8, crc & 0xff);
  });
  return Uint8Array.from(out);
}
