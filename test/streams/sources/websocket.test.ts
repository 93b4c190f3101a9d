import type { AddressInfo } from 'node:net';
import type { Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { websocketSource } from '../../../streams/sources/websocket.ts';
import type { PcmChunk, SourceEvent } from '../../../streams/types.ts';
import { toneFreq, until, wait } from './helpers/http-fixture.ts';
import { splitRandomly, toneStream } from './helpers/pusher.ts';

function startWss(port: number, onConn: (ws: WebSocket, n: number) => void): Promise<WebSocketServer> {
  let n = 0;
  return new Promise((resolve) => {
    const wss: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port, path: '/push' }, () => resolve(wss));
    wss.on('connection', (ws: WebSocket) => onConn(ws, ++n));
  });
}
const stopWss = (wss: WebSocketServer): Promise<void> =>
  new Promise((r) => {
    for (const c of wss.clients) c.terminate();
    wss.close(() => r());
  });

describe('websocket source (connects out to a HYDR pusher on 127.0.0.1)', () => {
  let sub: Subscription | null = null;
  afterEach(() => sub?.unsubscribe());

  it('reconnects with backoff through a drop, a stall, garbage and a server outage; attempts are counted', async () => {
    const T = 1_700_000_000_000;
    const tone = toneStream({ freqHz: 750, sampleRate: 8000, frames: 10, startMs: T, frameTimes: true, channels: 1 });
    const conns: number[] = [];
    const script = (ws: WebSocket, n: number): void => {
      conns.push(n);
      if (n === 1) {
        // sends 0.5 s then drops
        for (const p of splitRandomly(Buffer.concat([tone.header, ...tone.frames.slice(0, 5)]))) ws.send(p);
        setTimeout(() => ws.terminate(), 50);
      } else if (n === 2) {
        ws.send(Buffer.concat([tone.header, tone.frames[5]])); // then silence: a stall
      } else if (n === 3) {
        ws.send(Buffer.from('{"hello":"I am not HYDR"}'));
      } else {
        ws.send(Buffer.concat([tone.header, ...tone.frames.slice(6)]));
      }
    };
    let wss = await startWss(0, script);
    const port = (wss.address() as AddressInfo).port;
    const events: SourceEvent[] = [];
    const chunks: PcmChunk[] = [];
    sub = websocketSource(
      { station: 'ws', report: (e) => events.push(e) },
      { url: `ws://127.0.0.1:${port}/push` },
      { stallS: 1, chunkS: 0.1, backoff: { baseMs: 40, maxMs: 160, resetAfterMs: 10_000 } },
    ).subscribe({ next: (c) => chunks.push(c) });

    await until(() => conns.includes(3), 15_000, 'third connection');
    await until(() => events.some((e) => e.type === 'error' && /bad magic/.test(e.message)), 10_000, 'garbage reported');
    // Server outage: count the attempts that hit a closed port.
    await stopWss(wss);
    const connectingBefore = events.filter((e) => e.type === 'status' && e.state === 'connecting').length;
    await wait(1000);
    const attemptsDuringOutage = events.filter((e) => e.type === 'status' && e.state === 'connecting').length - connectingBefore;
    wss = await startWss(port, (ws) => script(ws, 4));
    await until(() => chunks.some((c) => c.t0 >= T + 900), 15_000, 'audio after the outage');
    sub.unsubscribe();
    sub = null;
    await stopWss(wss);

    // 1 s outage with delays capped at 160 ms (×random): a handful of attempts, not a storm.
    expect(attemptsDuringOutage).toBeGreaterThanOrEqual(4);
    expect(attemptsDuringOutage).toBeLessThan(60);
    const states = events.filter((e) => e.type === 'status').map((e) => (e as { state: string }).state);
    expect(states).toContain('stalled');
    expect(states).toContain('down');
    expect(events.some((e) => e.type === 'status' && e.state === 'down' && /closed/.test(e.message ?? ''))).toBe(true);
    // Pusher frame times: chunks sit exactly where the pusher said.
    expect(chunks.map((c) => c.t0)).toEqual(Array.from({ length: 10 }, (_, i) => T + i * 100));
    chunks.forEach((c, i) => expect(c.seq).toBe(i));
    for (const c of chunks) expect(toneFreq(c.samples, 8000)).toBeCloseTo(750, 0);
    // Frames are continuous in pusher time despite reconnects: no gap invented.
    expect(events.filter((e) => e.type === 'gap')).toEqual([]);
  });

  it('an HTTP error on upgrade is a drop with the status named', async () => {
    const events: SourceEvent[] = [];
    const wss = await startWss(0, () => undefined);
    const port = (wss.address() as AddressInfo).port;
    sub = websocketSource({ station: 'x', report: (e) => events.push(e) }, { url: `ws://127.0.0.1:${port}/wrong-path` }, { backoff: { baseMs: 10_000 } }).subscribe();
    await until(() => events.some((e) => e.type === 'status' && e.state === 'down'), 10_000, 'down');
    await stopWss(wss);
    const down = events.find((e) => e.type === 'status' && e.state === 'down');
    expect(down?.type === 'status' && down.message).toMatch(/HTTP 400 on upgrade/);
  });
});
