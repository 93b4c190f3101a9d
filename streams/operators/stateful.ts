// The shape every stateful operator here shares: per subscription state, a throw inside `next`
// becomes the stream's error (never an exception in the producer), and `complete` may emit a
// last value (a run's tail) before completing.
import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';

export interface StatefulHandlers<I> {
  next(value: I): void;
  /** Emit what is still held before completion. */
  complete?(): void;
}

export function stateful<I, O>(init: (out: Subscriber<O>) => StatefulHandlers<I>): OperatorFunction<I, O> {
  return (source) =>
    new Observable<O>((sub) => {
      const h = init(sub);
      return source.subscribe({
        next: (v) => {
          try {
            h.next(v);
          } catch (err) {
            sub.error(err);
          }
        },
        error: (e: unknown) => sub.error(e),
        complete: () => {
          try {
            h.complete?.();
            sub.complete();
          } catch (err) {
            sub.error(err);
          }
        },
      });
    });
}
