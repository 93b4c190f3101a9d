// tcp://host:port — the monitor LISTENS and a buoy/recorder pushes HYDR frames to it
// (docs/framing.md). One pusher at a time per station: a second one is refused while the first
// is connected; when a pusher drops (or stalls, or sends garbage) the station waits for the next.
import { createServer, type Server, type Socket } from 'node:net';
import { Observable } from 'rxjs';
import type { PcmChunk, SourceContext } from '../types.ts';
import { liveSource, type LiveSession, type LiveSourceOptions } from './live-source.ts';
import { createPushReceiver } from './pushed.ts';

export interface TcpListenOptions {
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes?: number;
  /** Called once the port is bound (port 0 → the real port). */
  readonly onListening?: (port: number) => void;
}

export function tcpSource(ctx: SourceContext, opts: TcpListenOptions, live?: LiveSourceOptions): Observable<PcmChunk> {
  return new Observable<PcmChunk>((subscriber) => {
    const where = `tcp://${opts.host}:${opts.port}`;
    let waiting: LiveSession | null = null;
    let pusher: Socket | null = null;
    const sockets = new Set<Socket>();
    const server: Server = createServer({ noDelay: true });
    // A pusher that dials between two sessions (the last one just dropped, the next not yet
    // started) is held, unread, and served when the session starts — refusing it would turn a
    // reconnecting buoy away for a gap of our own making.
    let held: Socket | null = null;
    const adopt = (sock: Socket, session: LiveSession, peer: string): void => {
      pusher = sock;
      waiting = null;
      session.connected(`${peer} connected`);
      const rx = createPushReceiver(session, peer, { maxFrameBytes: opts.maxFrameBytes });
      sock.on('data', (b: Buffer) => {
        if (!rx.push(new Uint8Array(b.buffer, b.byteOffset, b.byteLength))) sock.destroy();
      });
      sock.on('error', (e) => session.error(`${peer}: ${e.message}`));
      sock.on('close', () => {
        if (pusher === sock) pusher = null;
        session.ended(`${peer} disconnected`);
      });
    };
    const peerOf = (sock: Socket): string => `pusher ${sock.remoteAddress}:${sock.remotePort} on ${where}`;
    server.on('connection', (sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      const peer = peerOf(sock);
      if (pusher || held) {
        ctx.report?.({ type: 'error', station: ctx.station, at: Date.now(), message: `${peer} refused: station ${ctx.station} already has a pusher` });
        sock.destroy();
        return;
      }
      const session = waiting;
      if (session && session.active) {
        adopt(sock, session, peer);
        return;
      }
      held = sock;
      sock.on('error', () => undefined); // a held socket that dies is just dropped
      sock.once('close', () => {
        if (held === sock) held = null;
      });
    });
    server.on('error', (e) => {
      // Cannot listen (port taken, bad address): nothing to retry against.
      ctx.report?.({ type: 'status', station: ctx.station, state: 'faulted', at: Date.now(), message: `cannot listen on ${where}: ${e.message}` });
      subscriber.error(new Error(`cannot listen on ${where}: ${e.message}`));
    });
    server.listen(opts.port, opts.host, () => {
      const addr = server.address();
      opts.onListening?.(typeof addr === 'object' && addr ? addr.port : opts.port);
    });
    const inner = liveSource(
      ctx,
      (session) => {
        waiting = session;
        if (held) {
          const sock = held;
          held = null;
          adopt(sock, session, peerOf(sock));
        }
        return () => {
          if (waiting === session) waiting = null;
          if (pusher) {
            pusher.destroy();
            pusher = null;
          }
        };
      },
      { backoff: 'immediate', ...live },
    ).subscribe(subscriber);
    return () => {
      inner.unsubscribe();
      for (const s of sockets) s.destroy();
      server.close(() => undefined);
    };
  });
}
