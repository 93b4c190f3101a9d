import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { staticImports } from '../helpers/import-graph.ts';
import { foldLayers, type FoldedTcn, type LayerView } from '../../models/fold.ts';
import { foldTcn } from '../../models/fast-forward.ts';
import { loadSaved } from '../../models/model-io.ts';
import { readSavedLayers } from '../../models/model-folder.ts';
import { projectRoot } from '../../models/paths.ts';
import { useWasmBackend } from '../../models/wasm-backend.ts';

describe('fold without tfjs', () => {
  it('classifier.ts loads no tfjs module statically (onnxruntime stations never load it)', () => {
    const g = staticImports(join(projectRoot, 'models', 'classifier.ts'));
    expect(g.files.size).toBeGreaterThan(5); // the walk follows imports
    expect([...g.files].some((f) => f.endsWith('model-folder.ts'))).toBe(true);
    expect([...g.packages.keys()].filter((p) => p.startsWith('@tensorflow/'))).toEqual([]);
    // and the walker does see tfjs where it is imported
    expect([...staticImports(join(projectRoot, 'models', 'classifier-tfjs.ts')).packages.keys()]).toContain('@tensorflow/tfjs');
  });

  for (const name of ['hydromon-tcn', 'hydromon-tcn-16k']) {
    it(`${name}: the folder read without tfjs folds to exactly what the tfjs model folds to`, async () => {
      await useWasmBackend();
      const dir = join(projectRoot, 'models', name);
      const s = await loadSaved(dir);
      const viaTf = foldTcn(s.model, s.meta.norm);
      s.model.dispose();
      const layers = readSavedLayers(dir);
      expect(layers).not.toBeNull();
      const raw = foldLayers(layers!, s.meta.norm);
      expect(viaTf).not.toBeNull();
      expect(raw).not.toBeNull();
      const flat = (p: FoldedTcn): number[] => [
        ...p.inScale, ...p.inShift, ...p.stages.flatMap((st) => [...st.weights, ...st.bias, st.stride, +st.pool, ...st.shape]),
        ...p.hidden.weights, ...p.hidden.bias, ...p.output.weights, ...p.output.bias, +p.cmn,
      ];
      const a = flat(viaTf!), b = flat(raw!);
      expect(b.length).toBe(a.length);
      let same = 0;
      for (let i = 0; i < a.length; i++) if (Object.is(a[i], b[i])) same++;
      expect(same).toBe(a.length);
    });
  }

  /** A random statistics-head tcn saved to a folder: its fold through tfjs, and the folder's layers read without it. */
  async function savedStatsTcn(rhythm: boolean, seed: number): Promise<{ viaTf: FoldedTcn | null; layers: LayerView[]; norm: { mean: number[]; std: number[] } }> {
    await useWasmBackend();
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { randomTcn } = await import('./onnx/helpers.ts');
    const { saveClassifier } = await import('../../models/model-io.ts');
    const dir = mkdtempSync(join(tmpdir(), 'hm-fold-stats-'));
    try {
      const model = randomTcn('tcn-cmn-stats', 16, 12, 4, seed, rhythm);
      const norm = { mean: Array.from({ length: 12 }, (_, c) => 3 - c), std: Array.from({ length: 12 }, (_, c) => 2 + c / 3) };
      const viaTf = foldTcn(model, norm);
      await saveClassifier(dir, {
        model, labels: ['a', 'b', 'c', 'd'],
        featureConfig: { sampleRate: 16000, nFft: 512, hop: 256, nMels: 16, nMfcc: 12, fmin: 0, fmax: 8000, frames: 16, center: true, padMode: 'constant', topDb: 80, ...(rhythm ? { rhythm } : {}) },
        meta: { name: 't', arch: 'tcn-cmn-stats', threshold: 0.5, norm, params: model.countParams(), trainedAt: '', command: '', seed: 5 },
      });
      model.dispose();
      return { viaTf, layers: readSavedLayers(dir)!, norm };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('a saved tcn-cmn-stats folder folds without tfjs to exactly what the tfjs model folds to, statistics head included', async () => {
    const { viaTf, layers, norm } = await savedStatsTcn(false, 5);
    const raw = foldLayers(layers, norm);
    expect(viaTf?.stats).toBeTruthy();
    expect(raw?.stats).toBeTruthy();
    expect(raw?.stats?.rhythm).toBeNull();
    const flat = (p: FoldedTcn): number[] => [...p.output.weights, ...p.output.bias, ...p.stats!.eps, ...p.stats!.dense.weights, ...p.stats!.dense.bias, ...p.stats!.dense.shape];
    expect(flat(raw!)).toEqual(flat(viaTf!));
    expect(raw!.stats!.dense.shape).toEqual([36, 4]);
  });

  it('a saved model with the rhythm row folds without tfjs to what the tfjs model folds to; a moved row slice declines', async () => {
    const { viaTf, layers, norm } = await savedStatsTcn(true, 6);
    const raw = foldLayers(layers, norm);
    expect(viaTf?.stats?.rhythm).toBeTruthy();
    const flat = (p: FoldedTcn): number[] => [...p.stats!.dense.weights, ...p.stats!.dense.bias, ...p.stats!.rhythm!.weights, ...p.stats!.rhythm!.bias, ...p.stats!.rhythm!.shape];
    expect(flat(raw!)).toEqual(flat(viaTf!));
    expect(raw!.stats!.dense.shape).toEqual([36, 4]);
    // a row slice somewhere else is not the layout the forward passes assume
    const moved = layers.map((l) => (l.config.name === 'rhythm_row' ? { ...l, config: { ...l.config, start: 3 } } : l));
    expect(foldLayers(moved, norm)).toBeNull();
  });

  it('a layout it does not recognise folds to null, and odd weights make the reader decline', () => {
    const conv = { className: 'Conv1D', config: { strides: [1], padding: 'valid', useBias: false, activation: 'linear' }, weights: [{ data: new Float32Array(6), shape: [1, 2, 3] }] };
    const bn = (n: number) => ({ className: 'BatchNormalization', config: {}, weights: [n, n, n, n].map((k) => ({ data: new Float32Array(k).fill(1), shape: [k] })) });
    expect(foldLayers([bn(2), conv, bn(3), { className: 'Activation', config: { activation: 'relu' }, weights: [] }])).toBeNull(); // 'valid' padding
    expect(foldLayers([{ className: 'Dense', config: {}, weights: [] }])).toBeNull();
  });
});

describe('readSavedLayers: a broken folder is a clear error', () => {
  it('missing or short weights name the folder and the file', async () => {
    const { mkdtempSync, cpSync, rmSync, truncateSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'hm-fold-'));
    try {
      cpSync(join(projectRoot, 'models', 'hydromon-tcn'), dir, { recursive: true });
      truncateSync(join(dir, 'weights.bin'), 1000);
      expect(() => readSavedLayers(dir)).toThrow(/weights\.bin holds 1000 bytes, the manifest needs more/);
      rmSync(join(dir, 'weights.bin'));
      expect(() => readSavedLayers(dir)).toThrow(/cannot read weights file weights\.bin/);
      rmSync(join(dir, 'model.json'));
      expect(() => readSavedLayers(dir)).toThrow(/model\.json is missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
