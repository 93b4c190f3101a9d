// onnxruntime-node through its native binding: a session runs synchronously (the pipeline's
// predictBatch cannot await), checks the model's input and output names, and refuses use after
// dispose. A one-node model (Softmax) keeps the expected values exact enough to write down.
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../models/onnx/model-proto.ts';
import { loadOrt, SESSION_OPTIONS } from '../../../models/onnx/runtime.ts';
import { ort, ortSkipNote } from './helpers.ts';

const softmax = encodeModel({
  name: 'softmax', nodes: [{ op: 'Softmax', inputs: ['a'], outputs: ['b'], attrs: { axis: { int: 1 } } }], initializers: [],
  input: { name: 'a', dims: ['N', 3] }, output: { name: 'b', dims: ['N', 3] },
});

describe('loadOrt', () => {
  it('is cached and says why when it has no runtime', () => {
    const a = loadOrt();
    expect(loadOrt()).toBe(a);
    if (a.runtime) expect(a.runtime.version).toMatch(/^\d+\.\d+\.\d+/);
    else expect(a.reason).toMatch(/onnxruntime-node/);
  });

  it('asks for one thread, sequential, every graph optimisation', () => {
    expect(SESSION_OPTIONS).toEqual({ intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  });
});

describe.skipIf(!ort.runtime)(`an onnxruntime session${ortSkipNote}`, () => {
  it('runs synchronously and returns the output values', async () => {
    const s = await ort.runtime!.createSession(softmax, 'a', 'b');
    const y = s.run(Float32Array.of(0, 0, 0, 0, Math.log(2), Math.log(3)), [2, 3]);
    expect(y).toBeInstanceOf(Float32Array); // a value, not a promise
    const want = [1 / 3, 1 / 3, 1 / 3, 1 / 6, 2 / 6, 3 / 6];
    want.forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
    // batch size is free: the same session takes another N
    expect(s.run(new Float32Array(3), [1, 3])).toHaveLength(3);
    s.dispose();
    expect(() => s.run(new Float32Array(3), [1, 3])).toThrow(/after dispose/);
    s.dispose(); // twice is harmless
  });

  it('refuses a model whose input or output is not the one named', async () => {
    await expect(ort.runtime!.createSession(softmax, 'x', 'b')).rejects.toThrow(/inputs \[a\] and outputs \[b\], expected \[x\] and \[b\]/);
    await expect(ort.runtime!.createSession(softmax, 'a', 'probs')).rejects.toThrow(/expected \[a\] and \[probs\]/);
  });

  it('reports a shape the model cannot take', async () => {
    const s = await ort.runtime!.createSession(softmax, 'a', 'b');
    expect(() => s.run(new Float32Array(4), [1, 4])).toThrow();
    s.dispose();
  });
});
