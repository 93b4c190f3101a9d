// A folded tcn on onnxruntime: export once, then a plain-array forward the classifier calls
// synchronously, raw features [B·T·C] in, probabilities [B·classes] out.
import type { FoldedTcn } from '../fast-forward.ts';
import { inputRows } from '../fold.ts';
import { exportTcnOnnx, INPUT_NAME, OUTPUT_NAME } from './export.ts';
import type { OrtRuntime } from './runtime.ts';

export interface ArrayForward {
  /** `x` holds B windows of T × C raw features, frame-major; returns B × classes probabilities. */
  forward(x: Float32Array): Float32Array;
  dispose(): void;
}

export async function onnxTcnForward(runtime: OrtRuntime, p: FoldedTcn, frames: number, name?: string): Promise<ArrayForward> {
  const session = await runtime.createSession(exportTcnOnnx(p, frames, name), INPUT_NAME, OUTPUT_NAME);
  const rows = inputRows(p, frames);
  const C = p.inScale.length, classes = p.output.shape[1], dim = rows * C;
  return {
    forward(x) {
      const B = x.length / dim;
      if (!Number.isInteger(B)) throw new Error(`onnx forward: ${x.length} values are not whole windows of ${rows}×${C}`);
      const y = session.run(x, [B, rows, C]);
      if (y.length !== B * classes) throw new Error(`onnx forward: ${y.length} outputs for ${B} windows of ${classes} classes`);
      return y;
    },
    dispose: () => session.dispose(),
  };
}
