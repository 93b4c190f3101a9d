// One analysis block in, every window and event it completes out, as one array: the windows of a
// block are then featurised and classified as a batch, synchronously, before the source reads its
// next block — so a fast archive replay is held back by the pipeline (backpressure) instead of
// queueing audio in memory.
import { merge, Observable, Subject, type OperatorFunction } from 'rxjs';
import type { AnalysisBlock, Window } from '../types.ts';
import { energyEvents, type EventOptions } from './events.ts';
import { slidingWindows, type SlidingWindowOptions } from './windows.ts';

export interface CutOptions {
  readonly sliding?: SlidingWindowOptions | false;
  readonly events?: EventOptions | false;
}

export function cutWindows(opts: CutOptions): OperatorFunction<AnalysisBlock, Window[]> {
  const ops: Array<OperatorFunction<AnalysisBlock, Window>> = [];
  if (opts.sliding) ops.push(slidingWindows(opts.sliding));
  if (opts.events) ops.push(energyEvents(opts.events));
  return (source) =>
    new Observable<Window[]>((sub) => {
      const inner = new Subject<AnalysisBlock>();
      let pending: Window[] = [];
      let failed = false;
      const innerSub = merge(...ops.map((op) => inner.pipe(op))).subscribe({
        next: (w) => pending.push(w),
        error: (e: unknown) => {
          failed = true;
          sub.error(e);
        },
      });
      const flush = (): void => {
        if (pending.length === 0) return;
        const out = pending;
        pending = [];
        // Sliding windows and events interleave by start time, as a listener would hear them.
        out.sort((a, b) => a.start - b.start || a.end - b.end);
        sub.next(out);
      };
      const outer = source.subscribe({
        next: (block) => {
          inner.next(block);
          if (!failed) flush();
        },
        error: (e: unknown) => sub.error(e),
        complete: () => {
          inner.complete();
          if (!failed) {
            flush();
            sub.complete();
          }
        },
      });
      return () => {
        outer.unsubscribe();
        innerSub.unsubscribe();
      };
    });
}
