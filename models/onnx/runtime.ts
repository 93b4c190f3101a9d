// onnxruntime-node, loaded on first use and only if installed (it is an optional dependency).
// The pipeline classifies synchronously, but the package's InferenceSession.run is async: its
// backend (dist/backend.js) only wraps the native binding's synchronous run in setImmediate. So
// this talks to dist/binding.js directly, feeding it what backend.js feeds it: onnxruntime-common
// Tensors by input name, fetches { output: null }, run options {}.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// The few shapes used here, declared locally: the package may be absent, so no type import from it.
interface OrtTensorLike { readonly type: string; readonly data: unknown; readonly dims: readonly number[] }
interface ValueMetadata { readonly name: string; readonly isTensor: boolean }
interface SessionOptions {
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
  readonly executionMode: 'sequential' | 'parallel';
  readonly graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
}
interface BindingSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: SessionOptions): Promise<void> | void;
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  run(feeds: Record<string, OrtTensorLike>, fetches: Record<string, null>, options: object): Record<string, OrtTensorLike>;
  dispose(): void;
}
interface BindingModule {
  readonly binding: { readonly InferenceSession: new () => BindingSession };
  initOrt(): void;
}
interface CommonModule { readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensorLike }

/**
 * One core per session: the benches count CPU time on one core, and a station runs many
 * pipelines side by side, so intra-op threads would only contend with them.
 */
export const SESSION_OPTIONS: SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };

/** A loaded model with one float input and one float output, run synchronously. */
export interface OrtSession {
  /** `x` shaped `dims` in, the output tensor's values out (a fresh array). */
  run(x: Float32Array, dims: readonly number[]): Float32Array;
  dispose(): void;
}

export interface OrtRuntime {
  readonly version: string;
  /** Loads a serialized ONNX model whose only input is `input` and only output `output`. */
  createSession(model: Uint8Array, input: string, output: string): Promise<OrtSession>;
}

export type OrtLoad = { readonly runtime: OrtRuntime; readonly reason?: undefined } | { readonly runtime: null; readonly reason: string };

function load(): OrtLoad {
  const req = createRequire(import.meta.url);
  let main: string;
  try {
    main = req.resolve('onnxruntime-node');
  } catch {
    return { runtime: null, reason: 'onnxruntime-node is not installed (it is an optional dependency: npm install)' };
  }
  try {
    // The binding and onnxruntime-common as the package itself requires them (same module instances).
    const pkgReq = createRequire(join(dirname(main), 'binding.js'));
    const { binding, initOrt } = pkgReq('./binding.js') as BindingModule;
    const { Tensor } = pkgReq('onnxruntime-common') as CommonModule;
    const { version } = pkgReq('../package.json') as { version: string };
    initOrt();
    const createSession = async (model: Uint8Array, input: string, output: string): Promise<OrtSession> => {
      const s = new binding.InferenceSession();
      await s.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, SESSION_OPTIONS);
      const ins = s.inputMetadata.map((m) => m.name), outs = s.outputMetadata.map((m) => m.name);
      if (ins.join() !== input || outs.join() !== output) {
        s.dispose();
        throw new Error(`onnxruntime: model has inputs [${ins.join(', ')}] and outputs [${outs.join(', ')}], expected [${input}] and [${output}]`);
      }
      const fetches = { [output]: null };
      const runOptions = {};
      let open = true;
      return {
        run(x, dims) {
          if (!open) throw new Error('onnxruntime: session used after dispose()');
          const y = s.run({ [input]: new Tensor('float32', x, dims) }, fetches, runOptions)[output];
          if (!y || y.type !== 'float32' || !(y.data instanceof Float32Array)) throw new Error(`onnxruntime: output ${output} is not a float32 tensor`);
          return y.data;
        },
        dispose() {
          if (open) s.dispose();
          open = false;
        },
      };
    };
    return { runtime: { version, createSession } };
  } catch (err) {
    return { runtime: null, reason: `onnxruntime-node is installed but did not load: ${(err as Error).message}` };
  }
}

let loaded: OrtLoad | undefined;

/** onnxruntime-node if it is installed and loads on this machine, else null with the reason (cached). */
export function loadOrt(): OrtLoad {
  loaded ??= load();
  return loaded;
}
