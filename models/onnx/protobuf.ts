// A minimal protobuf writer: just the wire types an ONNX ModelProto needs (varint, 32-bit fixed,
// length-delimited), so exporting a model needs no protobuf library. Nested messages are written
// by a child writer and embedded as bytes: the models are small (≈0.5 MB), one copy is nothing.

const WIRE_VARINT = 0, WIRE_LEN = 2, WIRE_FIXED32 = 5;
const utf8 = new TextEncoder();

export class ProtoWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A bare varint. Negative numbers are int64 two's complement (10 bytes), as protobuf writes them. */
  rawVarint(value: number | bigint): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new Error(`protobuf: ${value} is not a safe integer`);
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
    return this;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** An int32/int64/enum/bool field (wire type 0). */
  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    return this.rawVarint(value);
  }

  /** A float field (wire type 5, little-endian IEEE 754 single). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    this.view.setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  /** A bytes field (wire type 2). */
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  /** An embedded message, written by `fill` into a child writer. */
  message(field: number, fill: (w: ProtoWriter) => void): this {
    const child = new ProtoWriter();
    fill(child);
    return this.bytes(field, child.finish());
  }

  /** A packed repeated float field: one length-delimited run of little-endian fixed32 values. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(values.length * 4);
    this.reserve(values.length * 4);
    for (let i = 0; i < values.length; i++, this.len += 4) this.view.setFloat32(this.len, values[i], true);
    return this;
  }

  /** The bytes written so far (a view: copy it before writing more). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
