// Sliding windows overlap and an event overlaps the windows around it, so one call can be named
// by several of them. Of detections of one species that overlap by more than `overlap` of the
// shorter one, only the first is kept: a call is stored once, and the encounter logic counts calls.
import type { OperatorFunction } from 'rxjs';
import { stateful } from './stateful.ts';
import type { Detection } from '../types.ts';

export function dedupeDetections(overlap = 0.5, memoryMs = 120_000): OperatorFunction<Detection, Detection> {
  return stateful<Detection, Detection>((sub) => {
      const recent = new Map<string, Detection[]>(); // species → kept detections, by start
      return {
        next: (d) => {
          const kept = recent.get(d.species) ?? [];
          // Forget what is long past, so memory stays bounded over months.
          while (kept.length > 0 && kept[0].end < d.start - memoryMs) kept.shift();
          const dup = kept.some((k) => {
            const shared = Math.min(k.end, d.end) - Math.max(k.start, d.start);
            const shorter = Math.min(k.end - k.start, d.end - d.start);
            return shorter > 0 && shared > overlap * shorter;
          });
          if (dup) return;
          kept.push(d);
          recent.set(d.species, kept);
          sub.next(d);
        },
      };
    });
}
