// A WindowClassifier that takes a fixed time per batch, to make a pipeline that cannot keep up
// with a paced replay. It blocks with Atomics.wait (synchronous, like real inference, so the
// pipeline's backpressure holds the source) without spinning a CPU core the other tests need.
import type { FeatureConfig, Prediction, WindowClassifier } from '../../streams/types.ts';

const cell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` without burning CPU. */
export function blockFor(ms: number): void {
  if (ms > 0) Atomics.wait(cell, 0, 0, ms);
}

export function slowClassifier(cfg: FeatureConfig, msPerBatch: number): WindowClassifier & { calls: number } {
  const self = {
    name: 'slow-test',
    labels: ['background'] as const,
    featureConfig: cfg,
    calls: 0,
    predictBatch(batch: readonly Float32Array[]): Prediction[] {
      self.calls++;
      blockFor(msPerBatch);
      return batch.map(() => ({ species: 'background', confidence: 0.5 }));
    },
  };
  return self;
}
