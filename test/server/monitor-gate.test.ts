// A station that gates its input for a model trained without the gate gets a warning at start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.ts';
import { defaultFeatureConfig as cfg } from '../../models/feature-config.ts';
import { gateMismatch, startMonitor } from '../../server/monitor.ts';
import { openStationSource } from '../../server/station-source.ts';
import { createEmbeddedStore } from '../../server/store/embedded.ts';
import { levelClassifier } from '../helpers/level-classifier.ts';
import { tone, writeWav } from '../helpers/signals.ts';

const dir = mkdtempSync(join(tmpdir(), 'hm-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('noise gate vs. the model it feeds', () => {
  const ungated = levelClassifier(cfg, 0.5);
  const gated = { ...ungated, trainedWithNoiseGate: true };

  it('warns, naming station and model, only when the two disagree', () => {
    expect(gateMismatch('buoy-7', true, ungated)).toMatch(/buoy-7.*noiseGate on.*ungated/);
    expect(gateMismatch('buoy-7', true, ungated)).toContain(ungated.name);
    expect(gateMismatch('buoy-7', false, gated)).toMatch(/buoy-7.*noiseGate off.*gated/);
    expect(gateMismatch('buoy-7', false, ungated)).toBeNull();
    expect(gateMismatch('buoy-7', true, gated)).toBeNull();
    expect(gateMismatch('buoy-7', true, null)).toBeNull();
  });

  it('the monitor logs it for the gated station only', async () => {
    const wav = writeWav(join(dir, 'REC_20240101_000000.wav'), tone(500, 1, 8000, 0.1), 8000);
    const config = configSchema.parse({
      stations: [
        { id: 'gated', source: wav, speed: 'max', noiseGate: {} },
        { id: 'plain', source: wav, speed: 'max' },
      ],
      clips: false, alerts: { log: false },
    });
    const logs: string[] = [];
    const monitor = startMonitor({ config, store: createEmbeddedStore({ dir: join(dir, 'data') }), model: ungated, featureConfig: cfg, openSource: openStationSource, log: (m) => logs.push(m) });
    try {
      const warnings = logs.filter((l) => l.includes('warning'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/station gated has noiseGate on/);
    } finally {
      await monitor.stop();
    }
  });
});
