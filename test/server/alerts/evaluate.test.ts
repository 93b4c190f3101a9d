import { describe, expect, it } from 'vitest';
import { EncounterTracker } from '../../../server/alerts/encounter.ts';
import { RuleEvaluator } from '../../../server/alerts/evaluate.ts';
import { alertRuleSchema, alertsConfigSchema } from '../../../server/alerts/rules.ts';
import type { Detection } from '../../../streams/types.ts';
import { call } from './fixtures.ts';

function run(ruleInput: Parameters<typeof alertRuleSchema.parse>[0], ds: Detection[], gapS = 600) {
  const tracker = new EncounterTracker(gapS);
  const ev = new RuleEvaluator([alertRuleSchema.parse(ruleInput)]);
  return ds.flatMap((d) => ev.evaluate(d, tracker.add(d).encounter));
}

describe('alert rules', () => {
  it('a pod calling for ten minutes is one alert, not two hundred', () => {
    const alerts = run({ species: 'orca' }, Array.from({ length: 200 }, (_, i) => call(i * 3)));
    expect(alerts.length).toBe(1);
    expect(alerts[0].kind).toBe('detection');
    expect(alerts[0].encounter?.count).toBe(1);
  });

  it('needs minCount detections within the window', () => {
    const sparse = run({ minCount: 3, windowS: 60 }, [call(0), call(70), call(140), call(210)]);
    expect(sparse).toEqual([]);
    const dense = run({ minCount: 3, windowS: 60 }, [call(0), call(20), call(40), call(50)]);
    expect(dense.length).toBe(1);
    expect(dense[0].detection?.start).toBe(call(40).start);
  });

  it('filters by species, station and confidence', () => {
    expect(run({ species: 'humpback' }, [call(0)])).toEqual([]);
    expect(run({ station: 'elsewhere' }, [call(0)])).toEqual([]);
    expect(run({ minConfidence: 0.9 }, [call(0, { confidence: 0.89 })])).toEqual([]);
    expect(run({ species: ['humpback', 'orca'], station: '*', minConfidence: 0.9 }, [call(0, { confidence: 0.9 })]).length).toBe(1);
  });

  it('respects the cooldown across encounters', () => {
    // encounters 20 min apart (gap 10 min), cooldown 30 min → the second is quiet, the third alerts
    const ds = [call(0), call(1200), call(2400)];
    expect(run({ cooldownS: 1800 }, ds).map((a) => a.detection?.start)).toEqual([ds[0].start, ds[2].start]);
    expect(run({ cooldownS: 0 }, ds).length).toBe(3);
  });

  it('parses the config with defaults and refuses unknown keys', () => {
    const c = alertsConfigSchema.parse({ rules: [{ species: 'orca' }], webhooks: [{ url: 'http://127.0.0.1:9/hook' }] });
    expect(c.encounterGapS).toBe(600);
    expect(c.rules[0]).toEqual({ species: 'orca', station: '*', minConfidence: 0.5, minCount: 1, windowS: 600, cooldownS: 1800 });
    expect(c.webhooks[0].retries).toBe(4);
    expect(() => alertsConfigSchema.parse({ rules: [{ specie: 'orca' }] })).toThrow();
    expect(() => alertsConfigSchema.parse({ webhooks: [{ url: 'ftp://x/y' }] })).toThrow();
  });
});
