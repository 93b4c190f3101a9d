// A long file is heard event by event (models/long-clip.ts): the live pipeline's energy events
// through a fully known classifier, and the vote. The real model on a real long file is in
// test/models/classify-file.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultFeatureConfig } from '../../models/feature-config.ts';
import { eventVote } from '../../models/long-clip.ts';
import { initDsp } from '../../streams/dsp/fft.ts';
import type { Prediction, WindowClassifier } from '../../streams/types.ts';
import { featuresC0, meanC0 } from '../helpers/level-classifier.ts';
import { gain, mix, noise, placeAt, tone } from '../helpers/signals.ts';

const sr = 16000;
const cfg = defaultFeatureConfig;

/** Names an event by its loudness: 'Loud' above `loud`, 'Tone' above `tone`, else background. */
function loudnessClassifier(toneC0: number, loudC0: number): WindowClassifier {
  return {
    name: 'loudness-test', labels: ['background', 'Loud', 'Tone'], featureConfig: cfg,
    predictBatch: (batch: readonly Float32Array[]): Prediction[] => batch.map((x) => {
      const c0 = featuresC0(x, cfg);
      return c0 > loudC0 ? { species: 'Loud', confidence: 0.9 } : c0 > toneC0 ? { species: 'Tone', confidence: 0.7 } : { species: 'background', confidence: 0.8 };
    }),
  };
}

/** 40 s of quiet noise with 0.5 s tone bursts at the given seconds and amplitudes. */
function bursts(at: readonly [number, number][]): Float32Array {
  return mix(noise(40, sr, 0.002, 7), ...at.map(([t, amp]) => placeAt(tone(1000, 0.5, sr, amp), t, 40, sr)));
}

describe('eventVote', () => {
  let clf: WindowClassifier;
  beforeAll(async () => {
    await initDsp();
    const quiet = meanC0(noise(0.5, sr, 0.002, 7), sr, cfg);
    const soft = meanC0(mix(noise(0.5, sr, 0.002, 7), tone(1000, 0.5, sr, 0.05)), sr, cfg);
    const loud = meanC0(mix(noise(0.5, sr, 0.002, 7), tone(1000, 0.5, sr, 0.5)), sr, cfg);
    clf = loudnessClassifier((quiet + soft) / 2, (soft + loud) / 2);
  });

  it('cuts the calls as events, classifies each and names the species with the most detections', async () => {
    // three soft calls ('Tone') and two loud ones ('Loud'), well apart, after the detector's warm-up
    const x = bursts([[8, 0.05], [14, 0.5], [20, 0.05], [26, 0.5], [32, 0.05]]);
    const v = await eventVote(x, sr, clf);
    expect(v).not.toBeNull();
    expect(v!.species).toBe('Tone');
    expect(v!.votes.map((s) => [s.species, s.detections])).toEqual([['Tone', 3], ['Loud', 2]]);
    expect(v!.detections).toBe(5);
    expect(v!.events).toBeGreaterThanOrEqual(5);
    expect(v!.confidence).toBeCloseTo(0.7, 6);
    // the same calls louder: the loud ones now win
    expect((await eventVote(bursts([[8, 0.05], [14, 0.5], [20, 0.5], [26, 0.5], [32, 0.05]]), sr, clf))!.species).toBe('Loud');
  });

  it('is null when no event is a detection: nothing but noise, or calls the model calls background', async () => {
    expect(await eventVote(noise(40, sr, 0.002, 7), sr, clf)).toBeNull();
    const never: WindowClassifier = { ...clf, predictBatch: (b) => b.map(() => ({ species: 'background', confidence: 0.9 })) };
    expect(await eventVote(gain(bursts([[8, 0.5], [20, 0.5]]), 1), sr, never)).toBeNull();
  });
});
