// Sliding windows over a station's analysis blocks. Window k of a run spans samples
// [k·hop, k·hop + duration): positions come from sample counts, never from the wall clock, so a
// replayed archive cuts exactly the windows the live run cut. Each window carries the mel frames
// centred inside it (computed once per stream), so overlapping windows cost no extra STFT.
import type { OperatorFunction } from 'rxjs';
import { RunBuffer } from '../run-buffer.ts';
import { stateful } from './stateful.ts';
import type { AnalysisBlock, Window } from '../types.ts';

export interface SlidingWindowOptions {
  readonly durationS: number;
  readonly hopS: number;
  /** At the end of a run, emit the last partial window when it holds at least this share of a full one. */
  readonly minTailShare?: number;
}

export function slidingWindows(opts: SlidingWindowOptions): OperatorFunction<AnalysisBlock, Window> {
  if (!(opts.durationS > 0) || !(opts.hopS > 0)) {
    throw new Error(`sliding windows: duration (${opts.durationS}) and hop (${opts.hopS}) must be positive`);
  }
  const minTail = opts.minTailShare ?? 0.5;
  return stateful<AnalysisBlock, Window>((sub) => {
      const buf = new RunBuffer();
      let dur = 0;
      let hop = 0;
      let next = 0; // start sample of the next window of this run

      const cut = (start: number, end: number): Window => {
        const f0 = buf.frameAtOrAfter(start);
        const f1 = buf.frameAtOrAfter(end);
        // The samples are fetched on first read: with the stream's mel frames at hand, features
        // never read them, and a 2 s copy per window was a third of this stage's cost.
        const samples = buf.samplesLater(start, end);
        return {
          station: buf.station,
          sampleRate: buf.sampleRate,
          get samples(): Float32Array {
            return samples();
          },
          start: buf.timeOf(start),
          end: buf.timeOf(end),
          kind: 'sliding',
          origin: buf.originAt(start),
          mel: buf.melView(f0, f1),
        };
      };

      // A window is complete when its samples and every frame centred inside it have arrived.
      const ready = (end: number): boolean =>
        buf.sampleCount >= end && buf.frameCount >= buf.frameAtOrAfter(end);

      // At the end of a run: the windows that fit in its samples (with whatever frames came), then
      // the last partial window when it is long enough to be worth classifying.
      const flushTail = (): void => {
        if (buf.run < 0 || dur === 0) return;
        while (next + dur <= buf.sampleCount) {
          sub.next(cut(next, next + dur));
          next += hop;
        }
        const end = buf.sampleCount;
        if (end - next >= dur * minTail && end > next) sub.next(cut(next, end));
      };

      const onBlock = (block: AnalysisBlock): void => {
        if (block.run !== buf.run) {
          flushTail();
          buf.push(block);
          dur = Math.round(opts.durationS * buf.sampleRate);
          hop = Math.max(1, Math.round(opts.hopS * buf.sampleRate));
          // Windows are aligned to the run's start; a run that starts mid-way (sampleCount > 0) begins
          // at the first aligned position it holds.
          next = Math.ceil((buf.sampleCount - block.chunk.samples.length) / hop) * hop;
        } else {
          buf.push(block);
        }
        while (ready(next + dur)) {
          sub.next(cut(next, next + dur));
          next += hop;
        }
        buf.trim(next, buf.frameAtOrAfter(next));
      };

      return { next: onBlock, complete: flushTail };
    });
}
