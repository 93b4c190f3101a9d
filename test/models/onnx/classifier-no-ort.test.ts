// Where onnxruntime-node is missing (simulated here, whatever this machine has): the classifier
// falls back to tfjs-wasm on its own, and HYDROMON_INFERENCE=onnx fails saying why.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadClassifier } from '../../../models/classifier.ts';
import { featureLength } from '../../../streams/dsp/adaptive.ts';

vi.mock('../../../models/onnx/runtime.ts', () => ({
  loadOrt: () => ({ runtime: null, reason: 'onnxruntime-node is not installed (simulated by the test)' }),
}));

afterEach(() => { vi.unstubAllEnvs(); });

describe('classifier without onnxruntime', () => {
  it('runs the shipped model on tfjs-wasm', async () => {
    vi.stubEnv('HYDROMON_INFERENCE', '');
    const clf = await loadClassifier();
    try {
      expect(clf.backend).toBe('tfjs-wasm');
      expect(clf.predictBatch([new Float32Array(featureLength(clf.featureConfig))])).toHaveLength(1);
    } finally {
      clf.dispose();
    }
  });

  it('HYDROMON_INFERENCE=onnx is an error naming the reason', async () => {
    vi.stubEnv('HYDROMON_INFERENCE', 'onnx');
    await expect(loadClassifier()).rejects.toThrow(/HYDROMON_INFERENCE=onnx: onnxruntime cannot run model .*hydromon-tcn: onnxruntime-node is not installed \(simulated by the test\)/);
  });
});
