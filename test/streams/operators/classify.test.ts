import { from, lastValueFrom, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedFeatures } from '../../../streams/dsp/adaptive.ts';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { classifyWindows } from '../../../streams/operators/classify.ts';
import type { FeatureConfig, Prediction, Window, WindowClassifier } from '../../../streams/types.ts';
import { noise, tone } from '../dsp/signals.ts';

const cfg: FeatureConfig = {
  sampleRate: 16000, nFft: 512, hop: 256, nMels: 40, nMfcc: 13, fmin: 0, fmax: 8000, frames: 20,
  center: true, padMode: 'reflect', topDb: 80,
};

function win(samples: Float32Array, start: number): Window {
  return { station: 'buoy-7', sampleRate: 16000, samples, start, end: start + (samples.length * 1000) / 16000, kind: 'sliding' };
}

/** Keeps a copy of every input it is given and names the louder of two levels. */
function recorder(): WindowClassifier & { seen: Float32Array[] } {
  const seen: Float32Array[] = [];
  return {
    name: 'recorder', labels: ['quiet', 'loud'], featureConfig: cfg, seen,
    predictBatch(batch: readonly Float32Array[]): Prediction[] {
      return batch.map((x) => {
        seen.push(x.slice());
        return { species: x[0] > -200 ? 'loud' : 'quiet', confidence: 1 };
      });
    },
  };
}

beforeAll(async () => {
  await initDsp();
});

describe('classifyWindows', () => {
  it('gives the model each window’s fixedFeatures (one batch buffer, no window sees another’s values)', async () => {
    const ws = [win(tone(440, 16000, 1, 0.5), 0), win(noise(16000, 1e-5, 3), 1000), win(noise(8000, 0.3, 4), 2000)];
    const model = recorder();
    const [out] = await lastValueFrom(from([ws]).pipe(classifyWindows(model, cfg), toArray()));
    expect(out.map((r) => r.window)).toEqual(ws);
    expect(model.seen).toHaveLength(3);
    for (let i = 0; i < ws.length; i++) {
      expect(Array.from(model.seen[i])).toEqual(Array.from(fixedFeatures(ws[i], cfg)));
    }
    expect(out.map((r) => r.prediction?.species)).toEqual(['loud', 'quiet', 'loud']);
  });

  it('without a model every window gets a null prediction; an empty batch stays empty', async () => {
    const ws = [win(tone(440, 16000, 1), 0)];
    const [a, b] = await lastValueFrom(from([ws, []]).pipe(classifyWindows(null, cfg), toArray()));
    expect(a).toEqual([{ window: ws[0], prediction: null }]);
    expect(b).toEqual([]);
  });

  it('a model that returns the wrong number of predictions is an error naming it', async () => {
    const bad: WindowClassifier = { name: 'short', labels: ['x'], featureConfig: cfg, predictBatch: () => [] };
    await expect(lastValueFrom(from([[win(tone(440, 16000, 1), 0)]]).pipe(classifyWindows(bad, cfg)))).rejects.toThrow(/model short returned 0 predictions for 1 windows/);
  });
});
