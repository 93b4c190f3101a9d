// ws://host:port/path — the monitor connects OUT to a server that pushes HYDR bytes
// (docs/framing.md) as binary messages; message boundaries carry no meaning, the bytes are one
// stream. Drops and refusals reconnect with backoff; bad bytes drop the connection.
import type { Observable } from 'rxjs';
import WebSocket from 'ws';
import type { PcmChunk, SourceContext } from '../types.ts';
import { liveSource, type LiveSourceOptions } from './live-source.ts';
import { createPushReceiver } from './pushed.ts';

export interface WebSocketSourceOptions {
  readonly url: string;
  readonly maxFrameBytes?: number;
  /** Handshake timeout, s (default 10). */
  readonly handshakeTimeoutS?: number;
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function websocketSource(ctx: SourceContext, opts: WebSocketSourceOptions, live?: LiveSourceOptions): Observable<PcmChunk> {
  return liveSource(
    ctx,
    (session) => {
      const ws = new WebSocket(opts.url, { handshakeTimeout: (opts.handshakeTimeoutS ?? 10) * 1000, maxPayload: 16 << 20 });
      const rx = createPushReceiver(session, opts.url, { maxFrameBytes: opts.maxFrameBytes });
      let why = '';
      ws.on('open', () => session.connected(`connected to ${opts.url}`));
      ws.on('message', (data, isBinary) => {
        if (!isBinary) {
          session.error(`${opts.url}: text message received; HYDR streams are binary; connection dropped`);
          session.ended(`${opts.url}: bad stream (text message)`);
          return;
        }
        if (!rx.push(toBytes(data))) ws.terminate();
      });
      ws.on('unexpected-response', (_req, res) => {
        why = `HTTP ${res.statusCode} on upgrade`;
        ws.terminate();
      });
      ws.on('error', (e) => {
        why = why || e.message;
      });
      ws.on('close', (code) => session.ended(`${opts.url} closed (${why || `code ${code}`})`));
      return () => {
        ws.removeAllListeners('message');
        ws.on('error', () => undefined);
        ws.terminate();
      };
    },
    live,
  );
}
