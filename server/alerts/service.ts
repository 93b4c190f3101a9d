// The alerting stage: detections → encounters → rules → alerts; station statuses → outage alerts.
// Each alert goes to every sink through its own bounded queue, so nothing here ever waits on a sink.
import pino, { type Logger } from 'pino';
import { Subject, type Observable } from 'rxjs';
import type { Detection, Encounter, StationStatus } from '../../streams/types.ts';
import { EncounterTracker } from './encounter.ts';
import { RuleEvaluator } from './evaluate.ts';
import { alertsConfigSchema, type AlertsConfig, type AlertsConfigInput } from './rules.ts';
import { SinkQueue, type SinkStats } from './sink-queue.ts';
import { logSink } from './sinks/log.ts';
import { subjectSink } from './sinks/subject.ts';
import { webhookSink } from './sinks/webhook.ts';
import { StationWatch } from './station-watch.ts';
import type { Alert, AlertSink } from './types.ts';

export interface AlertServiceOptions {
  readonly logger?: Logger;
  /** Extra sinks (tests, custom integrations). */
  readonly sinks?: readonly AlertSink[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface AlertService {
  /** Every alert, as raised (the dashboard subscribes). */
  readonly alerts$: Observable<Alert>;
  /** Every encounter change (opened, grown, closed): write these to the store. */
  readonly encounters$: Observable<Encounter>;
  readonly config: AlertsConfig;
  onDetection(d: Detection): Alert[];
  onStatus(s: StationStatus): Alert[];
  /** Call every few seconds with the current time: closes silent encounters, notices stations that stopped reporting. */
  tick(now?: number): Alert[];
  stats(): Record<string, SinkStats>;
  /** Wait (bounded) for queued alerts to go out, then stop. */
  close(timeoutMs?: number): Promise<void>;
}

export function createAlertService(input: AlertsConfigInput | AlertsConfig, opts: AlertServiceOptions = {}): AlertService {
  const config = alertsConfigSchema.parse(input);
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? pino({ name: 'hydromon-alerts' });
  const events = subjectSink();
  const encounters = new Subject<Encounter>();
  const sinks: AlertSink[] = [events, ...(opts.sinks ?? [])];
  if (config.log) sinks.push(logSink(logger));
  for (const w of config.webhooks) {
    const secret = w.secret ?? (w.secretEnv ? env[w.secretEnv] : undefined);
    if (w.secretEnv && !secret) logger.warn(`webhook ${w.url}: environment variable ${w.secretEnv} is not set; sending unsigned`);
    sinks.push(webhookSink({ ...w, ...(secret ? { secret } : {}) }));
  }
  const failing = new Set<string>();
  const queues = sinks.map((s) => new SinkQueue(s, {
    capacity: config.queueSize,
    onError: (sink, alert, err) => {
      // Once per sink until it works again, so a dead receiver does not flood the log.
      if (failing.has(sink)) return;
      failing.add(sink);
      logger.error({ sink, alert: alert.id }, `alert sink failing: ${err.message}`);
    },
  }));
  const tracker = new EncounterTracker(config.encounterGapS);
  const rules = new RuleEvaluator(config.rules);
  const watch = new StationWatch({ downAfterS: config.stationDownAfterS, silentBelowDb: config.silentBelowDb });
  const lastSent = queues.map(() => 0);
  // Encounters close on detection time, not wall time (a replayed recording is hours old): the
  // stream clock is the latest detection start, advanced by the wall time since it arrived.
  let lastDet: { start: number; wall: number } | undefined;

  function publish(alerts: Alert[]): Alert[] {
    for (const a of alerts) for (const q of queues) q.offer(a);
    queues.forEach((q, i) => {
      const sent = q.stats().sent;
      if (sent > lastSent[i]) failing.delete(q.sink.name);
      lastSent[i] = sent;
    });
    return alerts;
  }

  return {
    alerts$: events.alerts$,
    encounters$: encounters.asObservable(),
    config,
    onDetection(d) {
      if (!lastDet || d.start >= lastDet.start) lastDet = { start: d.start, wall: Date.now() };
      const u = tracker.add(d);
      if (u.closed) encounters.next(u.closed);
      encounters.next(u.encounter);
      return publish(rules.evaluate(d, u.encounter));
    },
    onStatus(s) {
      return publish(watch.update(s));
    },
    tick(now = Date.now()) {
      if (lastDet) for (const e of tracker.expire(lastDet.start + Math.max(0, now - lastDet.wall))) encounters.next(e);
      return publish(watch.tick(now));
    },
    stats() {
      return Object.fromEntries(queues.map((q) => [q.sink.name, q.stats()]));
    },
    async close(timeoutMs = 5000) {
      await Promise.all(queues.map((q) => q.idle(timeoutMs)));
      events.complete();
      encounters.complete();
    },
  };
}
