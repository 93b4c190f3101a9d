// In-process alert stream the dashboard (WebSocket) subscribes to. A subscriber that throws is
// reported by RxJS asynchronously and does not stop the others.
import { Subject, type Observable } from 'rxjs';
import type { Alert, AlertSink } from '../types.ts';

export interface SubjectSink extends AlertSink {
  readonly alerts$: Observable<Alert>;
  complete(): void;
}

export function subjectSink(): SubjectSink {
  const subject = new Subject<Alert>();
  return {
    name: 'events',
    alerts$: subject.asObservable(),
    send(alert: Alert): Promise<void> {
      subject.next(alert);
      return Promise.resolve();
    },
    complete() { subject.complete(); },
  };
}
