// The dashboard's live socket at /ws: every client gets detections, encounters, statuses and
// alerts as JSON; clients that subscribe to a station also get its spectrogram columns as binary
// frames (layout in ws-protocol.ts). The monitor's streams are subscribed once and fanned out;
// a slow client never holds anything up: spectrogram frames are skipped for it first, and if even
// JSON backs up past a cap it is dropped (the browser reconnects and reloads what it missed).
import type { FastifyPluginAsync } from 'fastify';
import type { Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import type { MonitorHandle, StationInfo } from './monitor-types.ts';
import type { SocketStats } from './metrics.ts';
import { encodeColumn, parseClientMessage, type ServerMessage } from './ws-protocol.ts';

export interface SocketCaps {
  /** Skip spectrogram frames while a client has more than this many bytes unsent. Default 256 KiB. */
  readonly skipFramesAbove?: number;
  /** Drop a client whose unsent bytes exceed this after a JSON send. Default 4 MiB. */
  readonly dropAbove?: number;
  /** Ping interval; a client that has not answered the previous ping is closed. Default 20 s. */
  readonly heartbeatMs?: number;
  /** Spectrogram columns kept per watched station and sent to a new subscriber first. Default 600. */
  readonly backlogColumns?: number;
  /** Keep watching a station this long after its last watcher leaves (a page reload, a quick
   *  switch back), so the backlog survives. Default 60 s; 0 lets go at once. */
  readonly lingerMs?: number;
}

interface Watch {
  sub: Subscription | null;
  watchers: number;
  /** Encoded frames, oldest first. */
  readonly backlog: Uint8Array[];
  linger: ReturnType<typeof setTimeout> | null;
}

interface Client {
  readonly socket: WebSocket;
  readonly stations: Set<string>;
  alive: boolean;
}

const OPEN = 1;

/** Fans the monitor's streams out to connected sockets. */
export class SocketHub {
  private readonly clients = new Set<Client>();
  private readonly subs: Subscription[] = [];
  /** One upstream subscription per station that at least one client watches. */
  private readonly spectra = new Map<string, Watch>();
  private dropped = 0;
  private skipped = 0;
  private readonly skipAbove: number;
  private readonly dropAbove: number;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly backlogMax: number;
  private readonly lingerMs: number;

  constructor(private readonly monitor: MonitorHandle, private readonly stationList: () => StationInfo[], caps: SocketCaps = {}) {
    this.skipAbove = caps.skipFramesAbove ?? 256 * 1024;
    this.dropAbove = caps.dropAbove ?? 4 * 1024 * 1024;
    this.backlogMax = caps.backlogColumns ?? 600;
    this.lingerMs = caps.lingerMs ?? 60_000;
    const quiet = { error: () => undefined };
    this.subs.push(
      monitor.detections$.subscribe({ ...quiet, next: (detection) => this.broadcast({ type: 'detection', detection }) }),
      monitor.encounters$.subscribe({ ...quiet, next: (encounter) => this.broadcast({ type: 'encounter', encounter }) }),
      monitor.status$.subscribe({ ...quiet, next: (status) => this.broadcast({ type: 'status', status }) }),
      monitor.alerts$.subscribe({ ...quiet, next: (alert) => this.broadcast({ type: 'alert', alert }) }),
    );
    this.heartbeat = setInterval(() => this.beat(), caps.heartbeatMs ?? 20_000);
    this.heartbeat.unref();
  }

  stats(): SocketStats {
    return { clients: this.clients.size, dropped: this.dropped, skippedFrames: this.skipped };
  }

  add(socket: WebSocket): void {
    const client: Client = { socket, stations: new Set(), alive: true };
    this.clients.add(client);
    socket.on('pong', () => { client.alive = true; });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return this.send(client, { type: 'error', message: 'binary messages are not understood' });
      this.onMessage(client, data.toString());
    });
    socket.on('close', () => this.remove(client));
    socket.on('error', () => this.remove(client));
    this.send(client, { type: 'hello', stations: this.stationList(), serverTime: Date.now() });
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const s of this.subs) s.unsubscribe();
    for (const c of [...this.clients]) this.remove(c);
    for (const s of this.spectra.values()) { s.sub?.unsubscribe(); if (s.linger) clearTimeout(s.linger); }
    this.spectra.clear();
  }

  private onMessage(client: Client, text: string): void {
    const m = parseClientMessage(text);
    if (!m) return this.send(client, { type: 'error', message: 'expected {"type":"subscribe"|"unsubscribe","station":"…"} or {"type":"ping"}' });
    if (m.type === 'ping') return this.send(client, { type: 'pong', serverTime: Date.now() });
    const known = this.monitor.stations().some((s) => s.id === m.station);
    if (!known) return this.send(client, { type: 'error', message: `no station "${m.station}"` });
    if (m.type === 'subscribe') {
      if (!client.stations.has(m.station)) {
        client.stations.add(m.station);
        this.watch(m.station);
        this.send(client, { type: 'subscribed', station: m.station });
        // What the station showed lately, so the view is not empty until new columns arrive.
        for (const frame of this.spectra.get(m.station)?.backlog ?? []) {
          if (client.socket.readyState !== OPEN || client.socket.bufferedAmount > this.skipAbove) break;
          client.socket.send(frame, { binary: true });
        }
      } else {
        this.send(client, { type: 'subscribed', station: m.station });
      }
    } else {
      if (client.stations.delete(m.station)) this.unwatch(m.station);
      this.send(client, { type: 'unsubscribed', station: m.station });
    }
  }

  private watch(station: string): void {
    const w = this.spectra.get(station);
    if (w) {
      w.watchers++;
      if (w.linger) { clearTimeout(w.linger); w.linger = null; }
      return;
    }
    const watch: Watch = { sub: null, watchers: 1, backlog: [], linger: null };
    this.spectra.set(station, watch);
    watch.sub = this.monitor.spectrogram$(station).subscribe({
      next: (col) => {
        // Encode once; the same bytes go to the backlog and to every watcher.
        const frame = encodeColumn(col);
        watch.backlog.push(frame);
        if (watch.backlog.length > this.backlogMax) watch.backlog.splice(0, watch.backlog.length - this.backlogMax);
        for (const c of this.clients) {
          if (!c.stations.has(station) || c.socket.readyState !== OPEN) continue;
          if (c.socket.bufferedAmount > this.skipAbove) { this.skipped++; continue; }
          c.socket.send(frame, { binary: true });
        }
      },
      error: () => undefined,
    });
  }

  private unwatch(station: string): void {
    const w = this.spectra.get(station);
    if (!w || --w.watchers > 0) return;
    const release = (): void => {
      if (w.watchers > 0) return;
      w.sub?.unsubscribe();
      this.spectra.delete(station);
    };
    if (this.lingerMs <= 0) return release();
    w.linger = setTimeout(release, this.lingerMs);
    w.linger.unref();
  }

  private remove(client: Client): void {
    if (!this.clients.delete(client)) return;
    for (const s of client.stations) this.unwatch(s);
    client.stations.clear();
  }

  private broadcast(msg: ServerMessage): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(msg);
    for (const c of [...this.clients]) this.sendText(c, text);
  }

  private send(client: Client, msg: ServerMessage): void {
    this.sendText(client, JSON.stringify(msg));
  }

  private sendText(client: Client, text: string): void {
    if (client.socket.readyState !== OPEN) return;
    if (client.socket.bufferedAmount > this.dropAbove) {
      // Too far behind to catch up: cut it loose rather than buffer without bound.
      this.dropped++;
      this.remove(client);
      client.socket.terminate();
      return;
    }
    client.socket.send(text);
  }

  private beat(): void {
    for (const c of [...this.clients]) {
      if (!c.alive) { this.remove(c); c.socket.terminate(); continue; }
      c.alive = false;
      if (c.socket.readyState === OPEN) c.socket.ping();
    }
  }
}

export interface SocketRouteOptions {
  readonly hub: SocketHub;
}

/** GET /ws (the @fastify/websocket plugin must be registered first). */
export const socketRoutes: FastifyPluginAsync<SocketRouteOptions> = async (app, { hub }) => {
  app.get('/ws', { websocket: true }, (socket) => hub.add(socket));
};
