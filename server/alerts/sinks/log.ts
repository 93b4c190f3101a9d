// Alerts into the monitor's log (pino): one warn line per alert with its fields.
import type { Logger } from 'pino';
import type { Alert, AlertSink } from '../types.ts';

export function logSink(logger: Logger): AlertSink {
  return {
    name: 'log',
    send(alert: Alert): Promise<void> {
      const { detection: _d, ...rest } = alert; // the encounter says enough; keep lines short
      logger.warn({ alert: rest }, alert.message);
      return Promise.resolve();
    },
  };
}
