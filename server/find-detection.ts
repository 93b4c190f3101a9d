// Find one detection by id: first among the recent live ones, then in the store around its start
// time (the client passes ?t=<start ms>, so the store is asked about one millisecond, not months).
import type { Detection } from '../streams/types.ts';
import type { LiveState } from './live-state.ts';
import type { DetectionStore } from './store/types.ts';

export async function findDetection(id: string, t: number | undefined, live: LiveState, store: DetectionStore): Promise<Detection | null> {
  const recent = live.detections.find((d) => d.id === id);
  if (recent) return recent;
  if (t === undefined || !Number.isFinite(t)) return null;
  // A little slack either side: ids are exact, times may have been rounded by a store.
  const rows = await store.queryDetections({ from: Math.floor(t) - 1000, to: Math.floor(t) + 1001, limit: 1000 });
  return rows.find((d) => d.id === id) ?? null;
}
