// Which engine runs species inference. onnxruntime runs the tcn layouts when it is installed;
// the tfjs wasm backend runs everything else (and all of training). HYDROMON_INFERENCE forces one.

export type InferenceBackend = 'onnxruntime' | 'tfjs-wasm';
/** 'auto': onnxruntime for a tcn layout when available, else tfjs-wasm. */
export type InferenceRequest = 'auto' | 'onnx' | 'wasm';

export const INFERENCE_ENV = 'HYDROMON_INFERENCE';

/** The request in HYDROMON_INFERENCE (unset or empty = auto); any other value is an error. */
export function requestedInference(env: NodeJS.ProcessEnv = process.env): InferenceRequest {
  const v = env[INFERENCE_ENV]?.trim().toLowerCase() ?? '';
  if (v === '' || v === 'auto') return 'auto';
  if (v === 'onnx' || v === 'wasm') return v;
  throw new Error(`${INFERENCE_ENV}=${env[INFERENCE_ENV]}: expected onnx, wasm or auto`);
}
