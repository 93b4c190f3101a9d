// LiveConnection (the client's socket state) against the real server fed by FakeMonitor, with
// jsdom's WebSocket: hello → live, live data, spectrogram columns, and reconnection after a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveConnection } from '../../client/src/lib/live.svelte.ts';
import { backoffDelay } from '../../client/src/lib/backoff.ts';
import type { SpectrogramColumn } from '../../server/monitor-types.ts';
import { startFakeServerProcess, type FakeServerProcess } from './fake-server-process.ts';

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('backoffDelay', () => {
  it('doubles from base to max with ±25 % jitter', () => {
    expect(backoffDelay(0, 500, 10_000, () => 0.5)).toBe(500);
    expect(backoffDelay(3, 500, 10_000, () => 0.5)).toBe(4000);
    expect(backoffDelay(30, 500, 10_000, () => 0.5)).toBe(10_000);
    expect(backoffDelay(1, 500, 10_000, () => 0)).toBe(750);
    expect(backoffDelay(1, 500, 10_000, () => 0.999)).toBeLessThanOrEqual(1250);
  });
});

describe('LiveConnection', () => {
  let server: FakeServerProcess;
  let live: LiveConnection;
  const subscribers = async (station: string) => Number((await server.send({ cmd: 'subscribers', station })).count);
  async function untilAsync(cond: () => Promise<boolean>, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  beforeAll(async () => {
    server = startFakeServerProcess();
    const { port } = await server.send({ cmd: 'start' });
    live = new LiveConnection(() => `ws://127.0.0.1:${Number(port)}/ws`);
  });
  afterAll(() => {
    live?.stop();
    server?.kill();
  });

  it('goes live, keeps stations, detections and statuses up to date', async () => {
    expect(live.state).toBe('connecting');
    live.start();
    await until(() => live.state === 'live');
    expect(live.epoch).toBe(1);
    expect(live.stations.map((s) => s.id)).toEqual(['lab', 'bay']);
    await server.send({ cmd: 'detection', detection: { id: 'a', station: 'lab', species: 'Orcinus orca', confidence: 0.9, start: 10, end: 11, model: 'm' } });
    await server.send({ cmd: 'detection', detection: { id: 'b', station: 'bay', species: 'Orcinus orca', confidence: 0.8, start: 20, end: 21, model: 'm' } });
    await server.send({ cmd: 'status', status: { station: 'bay', state: 'stalled', rmsDb: -50, lagS: 9, gapS: 0, samples: 1, at: 5 } });
    await until(() => live.detections.length === 2 && live.stations[1].status.state === 'stalled');
    expect(live.detections.map((d) => d.id)).toEqual(['b', 'a']);
    expect(live.received).toBe(2);
  });

  it('hands spectrogram columns of watched stations to listeners', async () => {
    const got: SpectrogramColumn[] = [];
    const off = live.onColumn((c) => got.push(c));
    live.watch('lab');
    await untilAsync(async () => (await subscribers('lab')) === 1);
    await server.send({ cmd: 'column', station: 'lab', t: 123, n: 64 });
    await until(() => got.length === 1);
    expect(got[0].station).toBe('lab');
    expect(got[0].bins.length).toBe(64);
    off();
  });

  it('shows reconnecting while the server is away, then resubscribes when it is back', async () => {
    await server.send({ cmd: 'stop' });
    await until(() => live.state === 'reconnecting');
    expect(await subscribers('lab')).toBe(0);
    await server.send({ cmd: 'start' });
    await until(() => live.state === 'live', 15_000);
    expect(live.epoch).toBe(2);
    expect(live.attempt).toBe(0);
    // The watched station is subscribed again without being asked.
    await untilAsync(async () => (await subscribers('lab')) === 1);
  });
});
