// Rules over detections: a rule fires for a station and species when minCount matching detections
// fall within windowS, at most once per encounter and never within cooldownS of its last alert
// there. Time is detection time, so the same recording gives the same alerts on every replay.
import type { Detection, Encounter } from '../../streams/types.ts';
import { ruleMatches, ruleName, type AlertRule } from './rules.ts';
import type { Alert } from './types.ts';

interface RuleState {
  times: number[];
  lastAlertAt?: number;
  alertedEncounter?: string;
}

export class RuleEvaluator {
  private readonly state = new Map<string, RuleState>();
  private readonly names: string[];

  constructor(private readonly rules: readonly AlertRule[]) {
    this.names = rules.map(ruleName);
  }

  /** Alerts raised by `d`, whose encounter (from EncounterTracker) is `encounter`. */
  evaluate(d: Detection, encounter: Encounter): Alert[] {
    const out: Alert[] = [];
    this.rules.forEach((rule, i) => {
      if (!ruleMatches(rule, d)) return;
      const k = `${i}\u0000${d.station}\u0000${d.species}`;
      let st = this.state.get(k);
      if (!st) this.state.set(k, (st = { times: [] }));
      const windowStart = d.start - rule.windowS * 1000;
      st.times.push(d.start);
      st.times = st.times.filter((t) => t > windowStart);
      if (st.times.length < rule.minCount) return;
      if (st.alertedEncounter === encounter.id) return;
      if (st.lastAlertAt !== undefined && d.start - st.lastAlertAt < rule.cooldownS * 1000) return;
      st.lastAlertAt = d.start;
      st.alertedEncounter = encounter.id;
      const name = this.names[i];
      out.push({
        id: `${name}:${encounter.id}`,
        kind: 'detection',
        at: d.start,
        station: d.station,
        species: d.species,
        rule: name,
        encounter,
        detection: d,
        message: `${d.species} at ${d.station}: ${st.times.length} detection(s) in ${rule.windowS} s, peak confidence ${encounter.peakConfidence.toFixed(2)} (${name})`,
      });
    });
    return out;
  }
}
