// Faster CPU-backend kernels for training. The stock tfjs-backend-cpu Conv2DBackpropFilter and
// MaxPoolGrad read every element through TensorBuffer.get (index arithmetic per element), which
// made one epoch of the seed CNN take minutes. These versions walk flat typed arrays with the
// output channel innermost (an im2col × matmul done in place) and give the same gradients; a test
// compares them with the stock kernels. Only channels-last, dilation 1 is handled: anything else
// is passed to the stock kernel.
import * as tf from '@tensorflow/tfjs';

interface CpuBackendLike {
  data: { get(id: unknown): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs: Record<string, unknown>;
}

type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

function stockKernel(name: string): KernelFunc {
  const k = tf.getKernel(name, 'cpu');
  if (!k) throw new Error(`fast-kernels: the cpu backend has no ${name} kernel to fall back on`);
  return k.kernelFunc as unknown as KernelFunc;
}

const stock = new Map<string, KernelFunc>();

function values(backend: CpuBackendLike, t: tf.TensorInfo): Float32Array {
  return backend.data.get(t.dataId).values;
}

/** dW[wR,wC,d1,d2] = Σ_b,yR,yC x[b, yR·sH+wR−top, yC·sW+wC−left, d1] · dy[b,yR,yC,d2]. */
export function conv2DBackpropFilterFast(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs;
  const a = args.attrs as { strides: number | [number, number]; pad: 'valid' | 'same' | number; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
  if (a.dataFormat === 'NCHW') return stock.get('Conv2DBackpropFilter')!(args);
  const backend = args.backend as CpuBackendLike;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top, left = info.padInfo.left;
  const xv = values(backend, x), dyv = values(backend, dy);
  const acc = new Float64Array(filterHeight * filterWidth * inChannels * outChannels);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const dyOff = ((b * outHeight + yR) * outWidth + yC) * outChannels;
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * strideHeight + wR - top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth + wC - left;
            if (xC < 0 || xC >= inWidth) continue;
            const xOff = ((b * inHeight + xR) * inWidth + xC) * inChannels;
            const wOff = (wR * filterWidth + wC) * inChannels * outChannels;
            for (let d1 = 0; d1 < inChannels; d1++) {
              const xval = xv[xOff + d1];
              if (xval === 0) continue;
              const o = wOff + d1 * outChannels;
              for (let d2 = 0; d2 < outChannels; d2++) acc[o + d2] += xval * dyv[dyOff + d2];
            }
          }
        }
      }
    }
  }
  return backend.makeTensorInfo([filterHeight, filterWidth, inChannels, outChannels], 'float32', Float32Array.from(acc));
}

/** Routes each output's gradient to the first maximum of its pooling window (as the stock kernel). */
export function maxPoolGradFast(args: KernelArgs): tf.TensorInfo {
  const { dy, input } = args.inputs;
  const a = args.attrs as { filterSize: number | [number, number]; strides: number | [number, number]; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  const backend = args.backend as CpuBackendLike;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight: fH, effectiveFilterWidth: fW } = info;
  const top = info.padInfo.top, left = info.padInfo.left;
  const xv = values(backend, input), dyv = values(backend, dy);
  const dx = new Float32Array(xv.length);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const r0 = yR * strideHeight - top;
      const rMin = Math.max(0, r0), rMax = Math.min(inHeight, r0 + fH);
      for (let yC = 0; yC < outWidth; yC++) {
        const c0 = yC * strideWidth - left;
        const cMin = Math.max(0, c0), cMax = Math.min(inWidth, c0 + fW);
        const dyOff = ((b * outHeight + yR) * outWidth + yC) * inChannels;
        for (let d = 0; d < inChannels; d++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let r = rMin; r < rMax; r++) {
            for (let c = cMin; c < cMax; c++) {
              const i = ((b * inHeight + r) * inWidth + c) * inChannels + d;
              if (xv[i] > best) { best = xv[i]; at = i; }
            }
          }
          if (at >= 0) dx[at] += dyv[dyOff + d];
        }
      }
    }
  }
  return backend.makeTensorInfo(input.shape, 'float32', dx);
}

let registered = false;

/** Replaces the two slow cpu kernels (idempotent). Call before training on the cpu backend. */
export function registerFastKernels(): void {
  if (registered) return;
  registered = true;
  for (const [name, fn] of [['Conv2DBackpropFilter', conv2DBackpropFilterFast], ['MaxPoolGrad', maxPoolGradFast]] as const) {
    stock.set(name, stockKernel(name));
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ kernelName: name, backendName: 'cpu', kernelFunc: fn as unknown as tf.KernelFunc });
  }
}

/** Puts the stock kernels back (tests compare both). */
export function unregisterFastKernels(): void {
  if (!registered) return;
  registered = false;
  for (const [name, fn] of stock) {
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ kernelName: name, backendName: 'cpu', kernelFunc: fn as unknown as tf.KernelFunc });
  }
}
