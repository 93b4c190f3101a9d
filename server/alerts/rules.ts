// Alert rules and the alerting section of the config (zod; the config loader imports these).
import { z } from 'zod';
import type { Detection } from '../../streams/types.ts';

export const ANY = '*';

export const alertRuleSchema = z.object({
  /** Shown in alerts; default derived from species and station. */
  name: z.string().min(1).optional(),
  /** A species label, a list of labels, or "*" for any. */
  species: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).default(ANY),
  /** A station id, a list, or "*" for any. */
  station: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).default(ANY),
  minConfidence: z.number().min(0).max(1).default(0.5),
  /** Detections (of one station and species, above minConfidence) needed within windowS. */
  minCount: z.number().int().min(1).default(1),
  windowS: z.number().positive().default(600),
  /** After an alert, the same rule, station and species stay quiet this long (and for the rest of the encounter). */
  cooldownS: z.number().min(0).default(1800),
}).strict();

export const webhookSinkSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  /** HMAC-SHA256 key for the X-Hydromon-Signature header. Prefer secretEnv over a secret in the file. */
  secret: z.string().min(1).optional(),
  /** Name of an environment variable holding the secret. */
  secretEnv: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().default(5000),
  retries: z.number().int().min(0).default(4),
  backoffMs: z.number().int().positive().default(1000),
  maxBackoffMs: z.number().int().positive().default(60_000),
}).strict();

export const alertsConfigSchema = z.object({
  /** Silence (per station and species) that ends an encounter. */
  encounterGapS: z.number().positive().default(600),
  /** A station stalled / down / silent for this long raises an alert. */
  stationDownAfterS: z.number().positive().default(300),
  /** Input level (dBFS) below which a live station counts as silent; unset: level is not checked. */
  silentBelowDb: z.number().optional(),
  rules: z.array(alertRuleSchema).default([]),
  webhooks: z.array(webhookSinkSchema).default([]),
  /** Alerts also go to the log. */
  log: z.boolean().default(true),
  /** Alerts waiting per sink before the oldest are dropped. */
  queueSize: z.number().int().positive().default(1000),
}).strict();

export type AlertRule = z.output<typeof alertRuleSchema>;
export type AlertRuleInput = z.input<typeof alertRuleSchema>;
export type WebhookSinkConfig = z.output<typeof webhookSinkSchema>;
export type AlertsConfig = z.output<typeof alertsConfigSchema>;
export type AlertsConfigInput = z.input<typeof alertsConfigSchema>;

function listMatch(want: string | readonly string[], v: string): boolean {
  if (typeof want === 'string') return want === ANY || want === v;
  return want.includes(ANY) || want.includes(v);
}

export function ruleMatches(rule: AlertRule, d: Detection): boolean {
  return d.confidence >= rule.minConfidence && listMatch(rule.species, d.species) && listMatch(rule.station, d.station);
}

export function ruleName(rule: AlertRule, index: number): string {
  if (rule.name) return rule.name;
  const s = (v: string | readonly string[]): string => (typeof v === 'string' ? v : v.join('|'));
  return `rule${index + 1}:${s(rule.species)}@${s(rule.station)}`;
}
