// Which engine the classifier runs on: onnxruntime for a tcn layout when it is installed, the
// tfjs wasm backend otherwise and for every other architecture; HYDROMON_INFERENCE (or the
// load option) forces one, and forcing onnx where it cannot run is an error that says why.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildArch, type ArchName } from '../../../models/architectures.ts';
import { defaultModelDir, loadClassifier } from '../../../models/classifier.ts';
import { defaultFeatureConfig } from '../../../models/feature-config.ts';
import { saveClassifier } from '../../../models/model-io.ts';
import { useWasmBackend } from '../../../models/wasm-backend.ts';
import { featuresLike, maxAbsDiff, mfccLike, ort, ortSkipNote } from './helpers.ts';
import { readFolderMeta } from '../../../models/model-folder.ts';

afterEach(() => { vi.unstubAllEnvs(); });

/** A saved model folder of a non-tcn architecture, at the code's feature config. */
async function savedArch(arch: ArchName): Promise<string> {
  await useWasmBackend();
  const { frames, nMfcc } = defaultFeatureConfig;
  const dir = mkdtempSync(join(tmpdir(), `clf-${arch}-`));
  const model = buildArch(arch, { frames, nMfcc, nClasses: 3, seed: 1 });
  await saveClassifier(dir, {
    model, labels: ['a', 'b', 'c'], featureConfig: defaultFeatureConfig,
    meta: { name: arch, arch, threshold: 0.5, norm: { mean: Array(nMfcc).fill(-5), std: Array(nMfcc).fill(10) }, params: model.countParams(), trainedAt: '2026-01-01T00:00:00Z', command: 'test', seed: 1 },
  });
  model.dispose();
  return dir;
}

const windows = (n: number) => mfccLike(n, defaultFeatureConfig.frames, defaultFeatureConfig.nMfcc, 7);

describe('classifier backend', () => {
  it('HYDROMON_INFERENCE=wasm runs the shipped model on tfjs-wasm', async () => {
    vi.stubEnv('HYDROMON_INFERENCE', 'wasm');
    const clf = await loadClassifier();
    try {
      expect(clf.backend).toBe('tfjs-wasm');
      expect(clf.predictBatch(featuresLike(readFolderMeta(defaultModelDir()).meta.norm, clf.featureConfig, 2, 7))).toHaveLength(2);
    } finally {
      clf.dispose();
    }
  });

  it('refuses an unknown HYDROMON_INFERENCE value, naming it', async () => {
    vi.stubEnv('HYDROMON_INFERENCE', 'gpu');
    await expect(loadClassifier()).rejects.toThrow(/HYDROMON_INFERENCE=gpu: expected onnx, wasm or auto/);
  });

  it.each(['seed-cnn', 'dense-baseline'] as ArchName[])('a %s model stays on tfjs-wasm, and forcing onnx says why it cannot', async (arch) => {
    const dir = await savedArch(arch);
    const clf = await loadClassifier(dir);
    try {
      expect(clf.backend).toBe('tfjs-wasm');
      const preds = clf.predictBatch(windows(3));
      expect(preds).toHaveLength(3);
      for (const p of preds) expect(p.probs!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    } finally {
      clf.dispose();
    }
    vi.stubEnv('HYDROMON_INFERENCE', 'onnx');
    await expect(loadClassifier(dir)).rejects.toThrow(new RegExp(`HYDROMON_INFERENCE=onnx: model .* \\(${arch}\\) is not a tcn layout`));
  });

  describe.skipIf(!ort.runtime)(`with onnxruntime installed${ortSkipNote}`, () => {
    it('runs the shipped models on onnxruntime by default, with the tfjs-wasm probabilities', async () => {
      for (const dir of [defaultModelDir(), join(defaultModelDir(), '..', 'hydromon-tcn-16k')]) {
        const onnx = await loadClassifier(dir);
        const wasm = await loadClassifier(dir, { inference: 'wasm' });
        const xs = featuresLike(readFolderMeta(dir).meta.norm, onnx.featureConfig, 5, 3);
        try {
          expect(onnx.backend).toBe('onnxruntime');
          expect(wasm.backend).toBe('tfjs-wasm');
          const a = onnx.predictBatch(xs), b = wasm.predictBatch(xs);
          expect(a.map((p) => p.species)).toEqual(b.map((p) => p.species));
          a.forEach((p, i) => expect(maxAbsDiff(p.probs!, b[i].probs!)).toBeLessThanOrEqual(1e-5));
          expect(Math.min(...a.map((p) => Math.max(...p.probs!)))).toBeLessThan(0.999); // not saturated (all 1.0): the comparison means something
          expect(onnx.predictBatch([])).toEqual([]);
          expect(() => onnx.predictBatch([new Float32Array(10)])).toThrow(/input 0 has 10 values/);
        } finally {
          onnx.dispose();
          wasm.dispose();
        }
        expect(() => onnx.predictBatch(xs)).toThrow(/used after dispose/);
      }
    });

    it('HYDROMON_INFERENCE=onnx picks onnxruntime; the load option overrides the variable', async () => {
      vi.stubEnv('HYDROMON_INFERENCE', 'onnx');
      const a = await loadClassifier();
      const b = await loadClassifier(undefined, { inference: 'wasm' });
      vi.stubEnv('HYDROMON_INFERENCE', 'wasm');
      const c = await loadClassifier(undefined, { inference: 'onnx' });
      try {
        expect([a.backend, b.backend, c.backend]).toEqual(['onnxruntime', 'tfjs-wasm', 'onnxruntime']);
      } finally {
        [a, b, c].forEach((x) => x.dispose());
      }
    });
  });
});
