import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { HostGate } from '../../../models/watkins-download/host-gate.ts';

describe('HostGate', () => {
  it('caps requests in flight per host and spaces their starts', async () => {
    const gate = new HostGate(2, 25);
    let active = 0;
    let peak = 0;
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const release = await gate.acquire('a.example');
        starts.push(performance.now());
        active++;
        peak = Math.max(peak, active);
        await sleep(40);
        active--;
        release();
      }),
    );
    expect(peak).toBe(2);
    starts.sort((x, y) => x - y);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(23);
  });

  it('keeps hosts independent', async () => {
    const gate = new HostGate(1, 200);
    const t0 = performance.now();
    const [ra, rb] = await Promise.all([gate.acquire('a'), gate.acquire('b')]);
    expect(performance.now() - t0).toBeLessThan(150);
    ra();
    rb();
  });

  it('stops waiting when aborted', async () => {
    const gate = new HostGate(1, 0);
    const hold = await gate.acquire('a');
    const ac = new AbortController();
    const waiting = gate.acquire('a', ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    hold();
  });
});
