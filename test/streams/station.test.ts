import { lastValueFrom, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultFeatureConfig } from '../../models/feature-config.ts';
import { initDsp } from '../../streams/dsp/fft.ts';
import { fixedFeatures } from '../../streams/dsp/adaptive.ts';
import { stationPipeline, type StationEvent, type StationOptions } from '../../streams/station.ts';
import type { Detection } from '../../streams/types.ts';
import { chunkSource, chunksOf } from '../helpers/chunks.ts';
import { levelClassifier } from '../helpers/level-classifier.ts';
import { mix, noise, placeAt, tone } from '../helpers/signals.ts';

const cfg = defaultFeatureConfig;
const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);
const SR = 48_000;

// 20 s of faint noise with a 1 kHz tone from 8 s to 11 s, at 48 kHz (the pipeline resamples to 16 kHz).
const signal = mix(noise(20, SR, 0.001, 7), placeAt(tone(1000, 3, SR, 0.3), 8, 20, SR));

let threshold = 0;
beforeAll(async () => {
  await initDsp();
  // Between c0 of a noise-only and a tone window, both made by the same feature code.
  const c0 = (x: Float32Array): number => {
    const f = fixedFeatures({ samples: x, sampleRate: SR }, cfg);
    let s = 0;
    for (let t = 0; t < cfg.frames; t++) s += f[t * cfg.nMfcc];
    return s / cfg.frames;
  };
  const quiet = c0(signal.subarray(0, 2 * SR));
  const loud = c0(signal.subarray(8 * SR, 10 * SR));
  expect(loud).toBeGreaterThan(quiet + 10);
  threshold = (quiet + loud) / 2;
});

function options(over: Partial<StationOptions> = {}): StationOptions {
  return {
    station: 'st',
    source: () => chunkSource(chunksOf(signal, SR, { t0: T0, chunkS: 0.37 })),
    featureConfig: cfg,
    sliding: { durationS: 2, hopS: 1 },
    events: false,
    model: levelClassifier(cfg, threshold),
    restart: false,
    statusEveryMs: 60_000,
    ...over,
  };
}

const detectionsOf = (evs: StationEvent[]): Detection[] => evs.flatMap((e) => (e.type === 'detection' ? [e.detection] : []));

describe('stationPipeline', () => {
  it('classifies every window and detects the tone at its absolute time', async () => {
    const model = levelClassifier(cfg, threshold);
    const source = () => chunkSource(chunksOf(signal, SR, { t0: T0, chunkS: 3 }));
    const evs = await lastValueFrom(stationPipeline(options({ model, source })).pipe(toArray()));
    const results = evs.flatMap((e) => (e.type === 'result' ? [e.result] : []));
    // Windows at 0..18 s plus the 1 s tail (the final frames are flushed at the end of the source).
    expect(results.map((r) => (r.window.start - T0) / 1000)).toEqual([...Array(20).keys()]);
    expect(model.inputs).toBe(20);
    expect(model.calls).toBeLessThan(10); // a 3 s chunk completes about three windows: one model call
    const dets = detectionsOf(evs);
    expect(dets.length).toBeGreaterThan(0);
    for (const d of dets) {
      expect(d.species).toBe('Tone');
      expect(d.station).toBe('st');
      expect(d.end).toBeGreaterThan(T0 + 8000);
      expect(d.start).toBeLessThan(T0 + 11_000);
    }
    // The windows wholly inside the tone are detected.
    expect(dets.some((d) => d.start === T0 + 8000)).toBe(true);
    expect(dets.some((d) => d.start === T0 + 9000)).toBe(true);
    const last = evs[evs.length - 1];
    expect(last.type === 'status' && last.status.state).toBe('ended');
  });

  it('gives the same detections, ids and times on a replay, however the audio is chunked', async () => {
    const a = detectionsOf(await lastValueFrom(stationPipeline(options()).pipe(toArray())));
    const b = detectionsOf(
      await lastValueFrom(stationPipeline(options({ source: () => chunkSource(chunksOf(signal, SR, { t0: T0, chunkS: 1.1 })) })).pipe(toArray())),
    );
    expect(b.map((d) => [d.id, d.start, d.end])).toEqual(a.map((d) => [d.id, d.start, d.end]));
  });

  it('marks a failing station faulted, restarts it, and leaves another station alone', async () => {
    let opened = 0;
    const flaky = stationPipeline(
      options({
        station: 'flaky',
        source: () => {
          opened++;
          return chunkSource(chunksOf(signal, SR, { station: 'flaky', t0: T0 }), opened === 1 ? 5 : undefined, 'hydrophone cable cut');
        },
        restart: { baseMs: 10, maxMs: 20, random: () => 1 },
      }),
    );
    const steady = stationPipeline(options({ station: 'steady', source: () => chunkSource(chunksOf(signal, SR, { station: 'steady', t0: T0 })) }));
    const [f, s] = await Promise.all([lastValueFrom(flaky.pipe(toArray())), lastValueFrom(steady.pipe(toArray()))]);
    expect(opened).toBe(2);
    const faulted = f.find((e) => e.type === 'status' && e.status.state === 'faulted');
    expect(faulted?.type === 'status' && faulted.status.message).toMatch(/hydrophone cable cut/);
    expect(detectionsOf(f).length).toBeGreaterThan(0);
    expect(detectionsOf(s).length).toBe(detectionsOf(f).length);
    expect(s.some((e) => e.type === 'status' && e.status.state === 'faulted')).toBe(false);
  });

  it('passes an unrecoverable error through when restarts are off', async () => {
    const p = stationPipeline(options({ source: () => chunkSource(chunksOf(signal, SR, { t0: T0 }), 2, 'bad header') }));
    await expect(lastValueFrom(p.pipe(toArray()))).rejects.toThrow(/bad header/);
  });

  it('cuts energy events too, with their band', async () => {
    const evs = await lastValueFrom(
      stationPipeline(options({ sliding: false, events: { minS: 0.05, maxS: 30, thresholdDb: 10, bandHz: [100, 4000], floorS: 5, warmupS: 1, padS: 0.1 } })).pipe(
        toArray(),
      ),
    );
    const wins = evs.flatMap((e) => (e.type === 'result' ? [e.result.window] : []));
    expect(wins).toHaveLength(1);
    expect((wins[0].start - T0) / 1000).toBeCloseTo(7.9, 1);
    expect((wins[0].end - T0) / 1000).toBeCloseTo(11.1, 1);
    expect(wins[0].freqLowHz).toBeLessThan(1000);
    expect(wins[0].freqHighHz).toBeGreaterThan(1000);
    expect(wins[0].freqHighHz).toBeLessThan(1500);
  });
});
