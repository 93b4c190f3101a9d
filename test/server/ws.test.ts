// The live socket with a real ws client on 127.0.0.1: fan-out, spectrogram subscriptions in the
// binary layout, and slow clients skipped or dropped while fast ones keep everything.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer } from '../../server/app.ts';
import type { SpectrogramColumn } from '../../server/monitor-types.ts';
import { decodeColumn, type ServerMessage } from '../../server/ws-protocol.ts';
import { column, FakeMonitor } from '../helpers/fake-monitor.ts';

interface Received { json: ServerMessage[]; cols: SpectrogramColumn[]; closed: boolean }

function connect(url: string): Promise<{ ws: WebSocket; got: Received }> {
  const ws = new WebSocket(url.replace('http', 'ws') + '/ws');
  const got: Received = { json: [], cols: [], closed: false };
  ws.on('message', (data, isBinary) => {
    if (isBinary) { const c = decodeColumn(new Uint8Array(data as Buffer)); if (c) got.cols.push(c); }
    else got.json.push(JSON.parse(String(data)) as ServerMessage);
  });
  ws.on('close', () => { got.closed = true; });
  return new Promise((resolve, reject) => { ws.once('open', () => resolve({ ws, got })); ws.once('error', reject); });
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('/ws', () => {
  let monitor: FakeMonitor;
  let app: FastifyInstance;
  let url: string;
  const open: WebSocket[] = [];
  beforeEach(async () => {
    monitor = new FakeMonitor([{ id: 'lab' }, { id: 'bay' }]);
    ({ app, url } = await startServer(monitor, { port: 0, socket: { skipFramesAbove: 64 * 1024, dropAbove: 512 * 1024, lingerMs: 0, backlogColumns: 50 } }));
  });
  afterEach(async () => {
    for (const w of open.splice(0)) w.terminate();
    await app.close();
  });
  const client = async () => { const c = await connect(url); open.push(c.ws); return c; };

  it('greets with the stations and fans out detections, statuses, encounters and alerts', async () => {
    const a = await client();
    const b = await client();
    await until(() => a.got.json.length > 0 && b.got.json.length > 0);
    const hello = a.got.json[0];
    expect(hello.type).toBe('hello');
    if (hello.type === 'hello') expect(hello.stations.map((s) => s.id)).toEqual(['lab', 'bay']);
    await monitor.pushDetection({ id: 'x', station: 'lab', species: 'Orcinus orca', confidence: 0.9, start: 1, end: 2, model: 'm' });
    monitor.pushStatus({ station: 'bay', state: 'stalled', rmsDb: -60, lagS: 3, gapS: 0, samples: 5, at: 3 });
    await monitor.pushEncounter({ id: 'e', station: 'lab', species: 'Orcinus orca', start: 1, end: 2, count: 1, peakConfidence: 0.9 });
    monitor.pushAlert({ id: 'al', kind: 'encounter', station: 'lab', message: 'orcas', at: 4 });
    for (const c of [a, b]) {
      await until(() => c.got.json.length >= 5);
      expect(c.got.json.slice(1).map((m) => m.type)).toEqual(['detection', 'status', 'encounter', 'alert']);
    }
  });

  it('sends binary spectrogram columns only for subscribed stations and lets go on close', async () => {
    const a = await client();
    a.ws.send(JSON.stringify({ type: 'subscribe', station: 'lab' }));
    await until(() => a.got.json.some((m) => m.type === 'subscribed'));
    expect(monitor.spectrogramSubscribers.get('lab')).toBe(1);
    const b = await client();
    b.ws.send(JSON.stringify({ type: 'subscribe', station: 'lab' }));
    await until(() => b.got.json.some((m) => m.type === 'subscribed'));
    expect(monitor.spectrogramSubscribers.get('lab')).toBe(1); // one upstream subscription, shared
    monitor.pushColumn(column('lab', 1000.5, { n: 200, maxHz: 12000, hz: 3000 }));
    monitor.pushColumn(column('bay', 1001, { n: 200 }));
    await until(() => a.got.cols.length === 1 && b.got.cols.length === 1);
    const c = a.got.cols[0];
    expect(c.station).toBe('lab');
    expect(c.t).toBe(1000.5);
    expect(c.maxHz).toBe(12000);
    expect([...c.bins]).toEqual([...column('lab', 1000.5, { n: 200, maxHz: 12000, hz: 3000 }).bins]);
    b.ws.send(JSON.stringify({ type: 'unsubscribe', station: 'lab' }));
    await until(() => b.got.json.some((m) => m.type === 'unsubscribed'));
    a.ws.close();
    await until(() => monitor.spectrogramSubscribers.get('lab') === 0);
  });

  it('sends a new subscriber the recent columns first, and keeps them for a while after the last one leaves', async () => {
    await app.close();
    ({ app, url } = await startServer(monitor, { port: 0, socket: { lingerMs: 300, backlogColumns: 5 } }));
    const a = await client();
    a.ws.send(JSON.stringify({ type: 'subscribe', station: 'lab' }));
    await until(() => monitor.spectrogramSubscribers.get('lab') === 1);
    for (let i = 0; i < 8; i++) monitor.pushColumn(column('lab', i, { n: 16 }));
    await until(() => a.got.cols.length === 8);
    a.ws.close();
    await new Promise((r) => setTimeout(r, 50));
    // A page reload: the new socket arrives within the linger time and sees the last 5 columns.
    const b = await client();
    b.ws.send(JSON.stringify({ type: 'subscribe', station: 'lab' }));
    await until(() => b.got.cols.length === 5);
    expect(b.got.cols.map((c) => c.t)).toEqual([3, 4, 5, 6, 7]);
    expect(monitor.spectrogramSubscribers.get('lab')).toBe(1);
    b.ws.close();
    await until(() => monitor.spectrogramSubscribers.get('lab') === 0, 2000);
  });

  it('answers malformed or unknown requests with an error and stays open', async () => {
    const a = await client();
    a.ws.send('not json');
    a.ws.send(JSON.stringify({ type: 'subscribe', station: 'atlantis' }));
    a.ws.send(JSON.stringify({ type: 'ping' }));
    await until(() => a.got.json.length >= 4);
    const errors = a.got.json.filter((m) => m.type === 'error');
    expect(errors).toHaveLength(2);
    expect(errors[1].type === 'error' && errors[1].message).toMatch(/atlantis/);
    expect(a.got.json.at(-1)?.type).toBe('pong');
    expect(a.got.closed).toBe(false);
  });

  it('skips spectrogram frames for a client that stops reading, then drops it; others get everything', async () => {
    const slow = await client();
    const fast = await client();
    for (const c of [slow, fast]) c.ws.send(JSON.stringify({ type: 'subscribe', station: 'lab' }));
    await until(() => slow.got.json.some((m) => m.type === 'subscribed') && fast.got.json.some((m) => m.type === 'subscribed'));
    // Stop reading: the kernel buffers fill, then the server's send queue grows.
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    // Paced in bursts the fast client (in this same process) can drain between.
    const N = 3000;
    for (let i = 0; i < N; i += 25) {
      for (let j = i; j < i + 25; j++) monitor.pushColumn(column('lab', j, { n: 4000 }));
      await until(() => fast.got.cols.length === i + 25, 5000);
    }
    expect(app.server.listening).toBe(true);
    const skipped = (await fetch(`${url}/metrics`).then((r) => r.text())).match(/hydromon_ws_skipped_frames_total (\d+)/);
    expect(Number(skipped?.[1])).toBeGreaterThan(0);
    // JSON keeps flowing to the slow one until its backlog passes the cap, then it is cut off.
    const big = 'x'.repeat(8000);
    const detections = () => fast.got.json.filter((m) => m.type === 'detection').length;
    for (let i = 0; i < 400; i++) {
      await monitor.pushDetection({ id: `d${i}`, station: 'lab', species: 'Orcinus orca', confidence: 0.9, start: i, end: i + 1, model: big });
      if (i % 20 === 19) await until(() => detections() === i + 1, 5000);
    }
    expect(slow.got.cols.length).toBeLessThan(N);
    const metrics = await fetch(`${url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/hydromon_ws_dropped_total 1\n/);
    expect(metrics).toMatch(/hydromon_ws_clients 1\n/);
  });
});
