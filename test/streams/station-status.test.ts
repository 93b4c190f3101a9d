import { describe, expect, it } from 'vitest';
import { StatusTracker } from '../../streams/station-status.ts';
import type { PcmChunk } from '../../streams/types.ts';

const chunk = (seq: number): PcmChunk => ({ station: 'st', sampleRate: 1000, samples: new Float32Array(100).fill(0.1), t0: 1e6 + seq * 100, seq });

describe('StatusTracker: behindS and waiting', () => {
  it('a pace report updates behindS only; it keeps the state, message and time of the last change', () => {
    let now = 1000;
    const t = new StatusTracker('st', () => now);
    expect(t.snapshot().behindS).toBeUndefined(); // nothing paced said anything
    t.onEvent({ type: 'status', station: 'st', state: 'live', at: now, message: 'replaying 2 file(s)', behindS: 0 });
    t.onChunk(chunk(0));
    expect(t.snapshot()).toMatchObject({ state: 'live', behindS: 0, message: 'replaying 2 file(s)' });
    now = 5000;
    t.onEvent({ type: 'status', station: 'st', state: 'live', at: now, behindS: 3.25 });
    const s = t.snapshot();
    expect(s).toMatchObject({ state: 'live', behindS: 3.25, message: 'replaying 2 file(s)' });
    t.onEvent({ type: 'status', station: 'st', state: 'live', at: now, behindS: 0 });
    expect(t.snapshot().behindS).toBe(0);
  });

  it('behindS is dropped when audio stops flowing (ended, faulted) and absent for unpaced sources', () => {
    const t = new StatusTracker('st');
    t.onEvent({ type: 'status', station: 'st', state: 'live', at: 0, behindS: 1.5 });
    t.onEvent({ type: 'status', station: 'st', state: 'ended', at: 0, message: 'finished' });
    expect(t.snapshot().behindS).toBeUndefined();
    expect('behindS' in t.snapshot()).toBe(false);
    const u = new StatusTracker('st');
    u.onEvent({ type: 'status', station: 'st', state: 'live', at: 0, message: 'replaying' });
    u.onChunk(chunk(0));
    expect('behindS' in u.snapshot()).toBe(false);
  });

  it("'waiting' is a state of its own, left for 'live' when audio arrives", () => {
    const t = new StatusTracker('st');
    t.onEvent({ type: 'status', station: 'st', state: 'waiting', at: 0, message: 'waiting for audio files in /x' });
    expect(t.snapshot()).toMatchObject({ state: 'waiting', message: 'waiting for audio files in /x' });
    t.onChunk(chunk(0));
    expect(t.snapshot().state).toBe('live');
  });
});
