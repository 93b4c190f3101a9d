// The protobuf writer against bytes worked out by hand from the wire format (tag = field·8 + wire
// type; varints 7 bits a byte, low first; fixed32 little-endian), including the encoding guide's
// own examples (150 → 08 96 01, "testing" → 12 07 …).
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../models/onnx/model-proto.ts';
import { ProtoWriter } from '../../../models/onnx/protobuf.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (fill: (w: ProtoWriter) => void): string => { const w = new ProtoWriter(); fill(w); return hex(w.finish()); };

describe('ProtoWriter', () => {
  it('writes varint fields', () => {
    expect(bytes((w) => w.varint(1, 150))).toBe('089601');
    expect(bytes((w) => w.varint(1, 0))).toBe('0800');
    expect(bytes((w) => w.varint(2, 300))).toBe('10ac02');
    expect(bytes((w) => w.varint(1, 2 ** 35))).toBe('08808080808001');
    // field 20: tag 160 itself takes two bytes
    expect(bytes((w) => w.varint(20, 7))).toBe('a00107');
  });

  it('writes a negative int64 as ten bytes of two’s complement', () => {
    expect(bytes((w) => w.varint(3, -1))).toBe('18ffffffffffffffffff01');
    expect(bytes((w) => w.varint(3, -2))).toBe('18feffffffffffffffff01');
  });

  it('refuses a value that is not a safe integer', () => {
    expect(() => new ProtoWriter().varint(1, 1.5)).toThrow(/not a safe integer/);
  });

  it('writes strings, bytes and nested messages length-delimited', () => {
    expect(bytes((w) => w.string(2, 'testing'))).toBe('120774657374696e67');
    expect(bytes((w) => w.string(1, ''))).toBe('0a00');
    expect(bytes((w) => w.message(3, (m) => m.varint(1, 150)))).toBe('1a03089601');
    expect(bytes((w) => w.bytes(4, Uint8Array.of(1, 2, 255)))).toBe('2203' + '0102ff');
  });

  it('writes floats as fixed32, singly and packed', () => {
    expect(bytes((w) => w.float(2, 1.5))).toBe('150000c03f');
    expect(bytes((w) => w.packedFloats(4, Float32Array.of(1, -2.5)))).toBe('22080000803f000020c0');
    expect(bytes((w) => w.packedFloats(4, new Float32Array(0)))).toBe('2200');
  });

  it('grows past its first buffer without losing what was written', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const w = new ProtoWriter().varint(1, 1).bytes(2, data).varint(3, 2);
    const out = w.finish();
    expect(out.length).toBe(2 + 1 + 2 + 300 + 2);
    expect(hex(out.subarray(0, 5))).toBe('080112ac02');
    expect([...out.subarray(5, 305)]).toEqual([...data]);
    expect(hex(out.subarray(305))).toBe('1802');
  });
});

describe('encodeModel', () => {
  it('opens with ir_version 7, the producer and opset 13 of the default domain', () => {
    const m = encodeModel({
      name: 'g', nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], initializers: [],
      input: { name: 'x', dims: ['N', 2] }, output: { name: 'y', dims: ['N', 2] },
    }, { name: 'hm', version: '1' });
    // 08 07 = ir_version 7; 12 02 'hm'; 1a 01 '1'; 42 04 {0a 00 = domain '', 10 0d = version 13}; 3a = the graph
    expect(hex(m.subarray(0, 16))).toBe('0807' + '1202686d' + '1a0131' + '42040a00100d' + '3a');
  });

  it('writes a node with its attributes, and a float initializer with dims', () => {
    const m = encodeModel({
      name: 'g',
      nodes: [{ op: 'Add', inputs: ['x', 'b'], outputs: ['y'], attrs: { k: { ints: [2, 3] } } }],
      initializers: [{ name: 'b', dims: [1, 2], data: Float32Array.of(1, -2.5) }],
      input: { name: 'x', dims: ['N', 2] }, output: { name: 'y', dims: ['N', 2] },
    });
    const s = hex(m);
    // NodeProto: inputs 'x','b', output 'y', name 'Add_0', op 'Add', attribute {name 'k', ints 2, ints 3, type INTS (7)}
    expect(s).toContain('0a01780a0162120179' + '1a054164645f30' + '2203416464' + '2a0a' + '0a016b' + '40024003' + 'a00107');
    // TensorProto: dims 1, 2; data_type FLOAT; float_data packed; name 'b'
    expect(s).toContain('08010802' + '1001' + '22080000803f000020c0' + '420162');
    expect(() => encodeModel({
      name: 'g', nodes: [], initializers: [{ name: 'w', dims: [3], data: new Float32Array(2) }],
      input: { name: 'x', dims: [1] }, output: { name: 'x', dims: [1] },
    })).toThrow(/initializer w has 2 values for dims \[3\]/);
  });
});
