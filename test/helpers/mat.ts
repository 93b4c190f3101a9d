// Minimal MATLAB MAT-file (level 5) reader for test fixtures: zlib-compressed elements and numeric
// or char matrices (real or complex), which is all librosa's regression fixtures use. Structs and
// cells are skipped. Values come back column-major, as MATLAB stores them.
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

export interface MatArray {
  readonly name: string;
  /** MATLAB class code: 4 char, 6 double, 7 single, 8..15 integers. */
  readonly cls: number;
  readonly dims: readonly number[];
  /** Real part, column-major. */
  readonly real: Float64Array;
  readonly imag?: Float64Array;
  /** For char arrays: the text. */
  readonly text?: string;
}

const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

function readNumeric(buf: Buffer, type: number, off: number, bytes: number): Float64Array {
  const size: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2 };
  const w = size[type];
  if (!w) throw new Error(`mat: unsupported numeric type ${type}`);
  const n = bytes / w;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = off + i * w;
    switch (type) {
      case 1: out[i] = buf.readInt8(p); break;
      case 2: case 16: out[i] = buf.readUInt8(p); break;
      case 3: out[i] = buf.readInt16LE(p); break;
      case 4: case 17: out[i] = buf.readUInt16LE(p); break;
      case 5: out[i] = buf.readInt32LE(p); break;
      case 6: out[i] = buf.readUInt32LE(p); break;
      case 7: out[i] = buf.readFloatLE(p); break;
      case 9: out[i] = buf.readDoubleLE(p); break;
      case 12: out[i] = Number(buf.readBigInt64LE(p)); break;
      case 13: out[i] = Number(buf.readBigUInt64LE(p)); break;
    }
  }
  return out;
}

interface Tag { type: number; bytes: number; dataOff: number; next: number }

function readTag(buf: Buffer, off: number): Tag {
  const first = buf.readUInt32LE(off);
  if (first >>> 16 !== 0) {
    // Small data element: type and size packed in one word, data in the next four bytes.
    return { type: first & 0xffff, bytes: first >>> 16, dataOff: off + 4, next: off + 8 };
  }
  const bytes = buf.readUInt32LE(off + 4);
  return { type: first, bytes, dataOff: off + 8, next: off + 8 + Math.ceil(bytes / 8) * 8 };
}

function parseMatrix(buf: Buffer, start: number, end: number): MatArray | null {
  let off = start;
  const flagsTag = readTag(buf, off);
  const flags = buf.readUInt32LE(flagsTag.dataOff);
  const cls = flags & 0xff;
  const complex = (flags & 0x0800) !== 0;
  off = flagsTag.next;
  const dimsTag = readTag(buf, off);
  const dims = Array.from(readNumeric(buf, dimsTag.type, dimsTag.dataOff, dimsTag.bytes));
  off = dimsTag.next;
  const nameTag = readTag(buf, off);
  const name = buf.toString('latin1', nameTag.dataOff, nameTag.dataOff + nameTag.bytes);
  off = nameTag.next;
  if (cls === 1 || cls === 2 || cls === 3 || cls === 5) return null; // cell, struct, object, sparse
  if (off >= end) return { name, cls, dims, real: new Float64Array(0) };
  const reTag = readTag(buf, off);
  const real = readNumeric(buf, reTag.type, reTag.dataOff, reTag.bytes);
  off = reTag.next;
  let imag: Float64Array | undefined;
  if (complex && off < end) {
    const imTag = readTag(buf, off);
    imag = readNumeric(buf, imTag.type, imTag.dataOff, imTag.bytes);
  }
  const text = cls === 4 ? String.fromCharCode(...real) : undefined;
  return { name, cls, dims, real, imag, text };
}

function parseElements(buf: Buffer, start: number, end: number, out: Map<string, MatArray>): void {
  let off = start;
  while (off + 8 <= end) {
    const tag = readTag(buf, off);
    if (tag.type === MI_COMPRESSED) {
      const inner = inflateSync(buf.subarray(tag.dataOff, tag.dataOff + tag.bytes));
      parseElements(inner, 0, inner.length, out);
      off = tag.dataOff + tag.bytes; // compressed elements are not padded
      continue;
    }
    if (tag.type === MI_MATRIX && tag.bytes > 0) {
      const m = parseMatrix(buf, tag.dataOff, tag.dataOff + tag.bytes);
      if (m) out.set(m.name, m);
    }
    off = tag.next;
  }
}

/** Read every top-level numeric/char variable of a MAT v5 file. */
export function readMat(path: string): Map<string, MatArray> {
  const buf = readFileSync(path);
  if (buf.length < 128) throw new Error(`${path}: too short for a MAT v5 file`);
  const endian = buf.toString('latin1', 126, 128);
  if (endian !== 'IM') throw new Error(`${path}: not a little-endian MAT v5 file (endian mark ${JSON.stringify(endian)})`);
  const out = new Map<string, MatArray>();
  parseElements(buf, 128, buf.length, out);
  return out;
}

/** A scalar variable (first element), or an error naming the file and key. */
export function matScalar(mat: Map<string, MatArray>, key: string): number {
  const v = mat.get(key);
  if (!v || v.real.length === 0) throw new Error(`mat: no scalar ${key}`);
  return v.real[0];
}

/** Element (r, c) of a 2-D column-major matrix. */
export function matAt(a: MatArray, r: number, c: number): number {
  return a.real[c * a.dims[0] + r];
}
