// The wasm backend (XNNPACK, ~40× the stock cpu backend's conv speed here), with its .wasm files
// taken from the installed package folder, plus the one kernel training needs that the package
// lacks: Conv2DBackpropFilter, done as im2col (in JS) × one wasm matmul.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: unknown, force?: boolean): boolean;
}

interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs: Record<string, unknown>;
}

/** dW = im2colᵀ(x) · dy: one [K × N] · [N × Cout] product on the wasm heap. */
export function conv2DBackpropFilterWasm(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs;
  const a = args.attrs as { strides: number | [number, number]; pad: 'valid' | 'same' | number; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only channels-last is supported');
  const backend = args.backend as WasmBackendLike;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top, left = info.padInfo.left;
  const xv = backend.typedArrayFromHeap(x);
  const N = batchSize * outHeight * outWidth;
  const K = filterHeight * filterWidth * inChannels;
  const cols = new Float32Array(K * N); // row k = (wR, wC, d1), column n = (b, yR, yC)
  let n = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++, n++) {
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * strideHeight + wR - top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth + wC - left;
            if (xC < 0 || xC >= inWidth) continue;
            const xOff = ((b * inHeight + xR) * inWidth + xC) * inChannels;
            const kOff = (wR * filterWidth + wC) * inChannels;
            for (let d1 = 0; d1 < inChannels; d1++) cols[(kOff + d1) * N + n] = xv[xOff + d1];
          }
        }
      }
    }
  }
  const colsInfo = backend.makeOutput([1, K, N], 'float32', undefined, cols);
  const dyInfo: tf.TensorInfo = { dataId: dy.dataId, shape: [1, N, outChannels], dtype: 'float32' };
  const mm = tf.getKernel('BatchMatMul', 'wasm');
  if (!mm) throw new Error('wasm backend has no BatchMatMul kernel');
  const out = mm.kernelFunc({ inputs: { a: colsInfo, b: dyInfo }, backend: args.backend as tf.KernelBackend, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
  backend.disposeData(colsInfo.dataId);
  return { dataId: out.dataId, shape: [filterHeight, filterWidth, inChannels, outChannels], dtype: 'float32' };
}

let ready: Promise<void> | null = null;

/** Makes wasm the active backend (idempotent); the wasm files come from the installed package. */
export function useWasmBackend(): Promise<void> {
  ready ??= (async () => {
    const req = createRequire(import.meta.url);
    setWasmPaths(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
    if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
      tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilterWasm as unknown as tf.KernelFunc });
    }
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('could not start the tfjs wasm backend');
    await tf.ready();
  })();
  return ready;
}
