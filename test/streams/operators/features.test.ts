import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedFeatures } from '../../../streams/dsp/adaptive.ts';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { features } from '../../../streams/operators/features.ts';
import type { FeatureConfig, Window } from '../../../streams/types.ts';
import { noise } from '../dsp/signals.ts';

const cfg: FeatureConfig = {
  sampleRate: 16000,
  nFft: 512,
  hop: 256,
  nMels: 40,
  nMfcc: 13,
  fmin: 0,
  fmax: 8000,
  frames: 20,
  center: true,
  padMode: 'reflect',
  topDb: 80,
};

function win(samples: Float32Array, start: number, kind: Window['kind'] = 'sliding'): Window {
  return { station: 'buoy-7', sampleRate: 16000, samples, start, end: start + (samples.length * 1000) / 16000, kind };
}

beforeAll(async () => {
  await initDsp();
});

describe('features operator', () => {
  it('turns windows of any duration into T × nMfcc frames', async () => {
    const ws = [win(noise(800, 0.1, 1), 0, 'event'), win(noise(32000, 0.1, 2), 1000), win(noise(100, 0.1, 3), 5000, 'event')];
    const out = await lastValueFrom(from(ws).pipe(features(cfg), toArray()));
    expect(out.length).toBe(3);
    for (const [i, f] of out.entries()) {
      expect(f.window).toBe(ws[i]);
      expect(f.shape).toEqual([20, 13]);
      expect(f.mfcc.length).toBe(20 * 13);
      expect(Array.from(f.mfcc)).toEqual(Array.from(fixedFeatures(ws[i], cfg)));
    }
  });

  it('emits one frame per window, in step (marbles), and errors at the bad window', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    const a = win(noise(1600, 0.1, 5), 0);
    const b = win(noise(16000, 0.1, 6), 1000);
    const bad = win(new Float32Array(0), 2000, 'event');
    ts.run(({ cold, expectObservable }) => {
      const src = cold('-a--b-c', { a, b, c: bad });
      const expected = { x: { window: a, mfcc: fixedFeatures(a, cfg), shape: [20, 13] }, y: { window: b, mfcc: fixedFeatures(b, cfg), shape: [20, 13] } };
      expectObservable(src.pipe(features(cfg))).toBe('-x--y-#', expected, new Error(`features: station buoy-7, event window at ${new Date(2000).toISOString()}: adaptive features: the window has no samples`));
    });
  });

  it('an unusable window errors with the station and time', async () => {
    const bad = win(new Float32Array(0), Date.UTC(2024, 0, 1), 'event');
    await expect(lastValueFrom(from([bad]).pipe(features(cfg)))).rejects.toThrow(/buoy-7.*2024-01-01T00:00:00.000Z.*no samples/);
  });

  it('rejects a bad config at construction', () => {
    expect(() => features({ ...cfg, frames: 0 })).toThrow(/frames/);
  });
});
