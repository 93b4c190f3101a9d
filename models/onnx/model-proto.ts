// An ONNX graph as plain data, and its encoding as a ModelProto (field numbers from onnx.proto).
// Only what the exporter uses: float tensors (int64 ones for Slice's bounds), int/ints/float
// attributes, one input, one output.
import { ProtoWriter } from './protobuf.ts';

export type OnnxAttr = { readonly int: number } | { readonly ints: readonly number[] } | { readonly float: number };

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, OnnxAttr>>;
}

export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  /** Float values, or int64 ones (Slice's starts, ends and axes). */
  readonly data: Float32Array | BigInt64Array;
}

/** A float tensor value: a number is a fixed dimension, a string a symbolic one (the batch). */
export interface OnnxValue { readonly name: string; readonly dims: readonly (number | string)[] }

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly input: OnnxValue;
  readonly output: OnnxValue;
}

/** IR version 7 and opset 13 (ONNX 1.8): ReduceMean/ReduceMax still take axes as an attribute. */
export const IR_VERSION = 7;
export const OPSET = 13;

const FLOAT = 1, INT64 = 7; // TensorProto.DataType
const ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_INTS = 7; // AttributeProto.AttributeType

// Field numbers (onnx.proto).
const Model = { irVersion: 1, producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8 } as const;
const OpsetId = { domain: 1, version: 2 } as const;
const Graph = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;
const Node = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 } as const;
const Attr = { name: 1, f: 2, i: 3, ints: 8, type: 20 } as const;
const Tensor = { dims: 1, dataType: 2, floatData: 4, int64Data: 7, name: 8 } as const;
const ValueInfo = { name: 1, type: 2 } as const;
const Type = { tensorType: 1 } as const;
const TensorType = { elemType: 1, shape: 2 } as const;
const Shape = { dim: 1 } as const;
const Dim = { value: 1, param: 2 } as const;

function attribute(w: ProtoWriter, name: string, a: OnnxAttr): void {
  w.string(Attr.name, name);
  if ('int' in a) w.varint(Attr.i, a.int).varint(Attr.type, ATTR_INT);
  else if ('ints' in a) { for (const v of a.ints) w.varint(Attr.ints, v); w.varint(Attr.type, ATTR_INTS); }
  else w.float(Attr.f, a.float).varint(Attr.type, ATTR_FLOAT);
}

function valueInfo(w: ProtoWriter, v: OnnxValue): void {
  w.string(ValueInfo.name, v.name);
  w.message(ValueInfo.type, (t) => t.message(Type.tensorType, (tt) => {
    tt.varint(TensorType.elemType, FLOAT);
    tt.message(TensorType.shape, (s) => {
      for (const d of v.dims) s.message(Shape.dim, (dw) => (typeof d === 'number' ? dw.varint(Dim.value, d) : dw.string(Dim.param, d)));
    });
  }));
}

function tensor(w: ProtoWriter, t: OnnxInitializer): void {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (n !== t.data.length) throw new Error(`onnx: initializer ${t.name} has ${t.data.length} values for dims [${t.dims.join(', ')}]`);
  for (const d of t.dims) w.varint(Tensor.dims, d);
  const data = t.data;
  if (data instanceof BigInt64Array) {
    w.varint(Tensor.dataType, INT64);
    w.message(Tensor.int64Data, (p) => { for (const v of data) p.rawVarint(v); }); // packed
  } else {
    w.varint(Tensor.dataType, FLOAT);
    w.packedFloats(Tensor.floatData, data);
  }
  w.string(Tensor.name, t.name);
}

/** The graph as a serialized ModelProto, ready for an ONNX runtime. */
export function encodeModel(g: OnnxGraph, producer = { name: 'hydromon', version: '0.1.0' }): Uint8Array {
  const w = new ProtoWriter();
  w.varint(Model.irVersion, IR_VERSION);
  w.string(Model.producerName, producer.name);
  w.string(Model.producerVersion, producer.version);
  w.message(Model.opsetImport, (o) => o.string(OpsetId.domain, '').varint(OpsetId.version, OPSET));
  w.message(Model.graph, (gw) => {
    g.nodes.forEach((n, i) => gw.message(Graph.node, (nw) => {
      for (const x of n.inputs) nw.string(Node.input, x);
      for (const y of n.outputs) nw.string(Node.output, y);
      nw.string(Node.name, `${n.op}_${i}`);
      nw.string(Node.opType, n.op);
      for (const [name, a] of Object.entries(n.attrs ?? {})) nw.message(Node.attribute, (aw) => attribute(aw, name, a));
    }));
    gw.string(Graph.name, g.name);
    for (const t of g.initializers) gw.message(Graph.initializer, (tw) => tensor(tw, t));
    gw.message(Graph.input, (v) => valueInfo(v, g.input));
    gw.message(Graph.output, (v) => valueInfo(v, g.output));
  });
  return w.finish().slice();
}
