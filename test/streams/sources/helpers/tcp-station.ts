// A TCP station listening on 127.0.0.1 for HYDR pushers, with what it emitted and reported, and
// a dialer for pushers: shared by the TCP source tests and the framing fuzz.
import { connect, type Socket } from 'node:net';
import type { Subscription } from 'rxjs';
import type { LiveSourceOptions } from '../../../../streams/sources/live-source.ts';
import { tcpSource } from '../../../../streams/sources/tcp.ts';
import type { PcmChunk, SourceEvent } from '../../../../streams/types.ts';
import { until } from './http-fixture.ts';

export interface TcpStation {
  readonly chunks: PcmChunk[];
  readonly events: SourceEvent[];
  readonly port: number;
  readonly sub: Subscription;
}

export async function listenStation(live: LiveSourceOptions, maxFrameBytes?: number): Promise<TcpStation> {
  const chunks: PcmChunk[] = [];
  const events: SourceEvent[] = [];
  let port = 0;
  const sub = tcpSource(
    { station: 'buoy', report: (e) => events.push(e) },
    { host: '127.0.0.1', port: 0, maxFrameBytes, onListening: (p) => (port = p) },
    live,
  ).subscribe({ next: (c) => chunks.push(c) });
  await until(() => port > 0, 10_000, 'listening');
  return { chunks, events, port, sub };
}

export function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

export const closed = (s: Socket): Promise<void> => new Promise((r) => (s.destroyed ? r() : s.once('close', () => r())));
