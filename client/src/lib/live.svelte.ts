// The live connection to /ws: reactive state for the views, reconnection with backoff, and the
// spectrogram columns handed straight to listeners (not through reactivity: dozens a second).
import { decodeColumn, type ServerMessage } from '../../../server/ws-protocol.ts';
import { backoffDelay } from './backoff.ts';
import { mergeDetections } from './feed-filter.ts';
import type { AlertEvent, Detection, Encounter, SpectrogramColumn, StationInfo } from './types.ts';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

type Listener = (c: SpectrogramColumn) => void;

export class LiveConnection {
  state: ConnectionState = $state('connecting');
  /** Failed attempts since the last good connection. */
  attempt = $state(0);
  /** Epoch ms of the next try while reconnecting. */
  retryAt = $state(0);
  stations: StationInfo[] = $state.raw([]);
  detections: Detection[] = $state.raw([]);
  encounters: Encounter[] = $state.raw([]);
  alerts: AlertEvent[] = $state.raw([]);
  /** Increases at every (re)connection, so views can reload what they may have missed. */
  epoch = $state(0);
  /** Live detections received since the page loaded. */
  received = $state(0);

  private ws: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private readonly wanted = new Set<string>();
  private readonly listeners = new Set<Listener>();

  constructor(private readonly url: () => string, private readonly Socket: typeof WebSocket = WebSocket) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ws?.close();
    this.ws = null;
  }

  /** Watch a station's spectrogram (kept across reconnections). */
  watch(station: string): void {
    if (this.wanted.has(station)) return;
    this.wanted.add(station);
    this.sendJson({ type: 'subscribe', station });
  }

  unwatch(station: string): void {
    if (!this.wanted.delete(station)) return;
    this.sendJson({ type: 'unsubscribe', station });
  }

  onColumn(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Add detections loaded over REST (history) to the live list. */
  seed(ds: readonly Detection[]): void {
    this.detections = mergeDetections(this.detections, ds);
  }

  seedEncounters(es: readonly Encounter[]): void {
    const byId = new Map(this.encounters.map((e) => [e.id, e]));
    for (const e of es) byId.set(e.id, e);
    this.encounters = [...byId.values()].sort((a, b) => b.start - a.start).slice(0, 200);
  }

  seedAlerts(as: readonly AlertEvent[]): void {
    const byId = new Map(this.alerts.map((a) => [a.id, a]));
    for (const a of as) byId.set(a.id, a);
    this.alerts = [...byId.values()].sort((a, b) => b.at - a.at).slice(0, 200);
  }

  private sendJson(m: object): void {
    if (this.ws && this.ws.readyState === this.Socket.OPEN) this.ws.send(JSON.stringify(m));
  }

  private open(): void {
    if (this.stopped) return;
    let ws: WebSocket;
    try {
      ws = new this.Socket(this.url());
    } catch {
      this.retry();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data === 'string') this.onJson(ev.data);
      else if (ev.data instanceof ArrayBuffer) {
        const col = decodeColumn(ev.data);
        if (col) for (const l of this.listeners) l(col);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.retry();
    };
    // onerror is always followed by onclose; nothing to do here.
    ws.onerror = () => undefined;
  }

  private retry(): void {
    if (this.stopped) return;
    this.state = this.epoch > 0 || this.attempt > 0 ? 'reconnecting' : 'connecting';
    const delay = backoffDelay(this.attempt);
    this.attempt++;
    this.retryAt = Date.now() + delay;
    this.timer = setTimeout(() => { this.timer = null; this.open(); }, delay);
  }

  private onJson(text: string): void {
    let m: ServerMessage;
    try { m = JSON.parse(text) as ServerMessage; } catch { return; }
    switch (m.type) {
      case 'hello':
        this.stations = m.stations;
        this.state = 'live';
        this.attempt = 0;
        this.epoch++;
        for (const s of this.wanted) this.sendJson({ type: 'subscribe', station: s });
        break;
      case 'status':
        this.stations = this.stations.map((s) => (s.id === m.status.station ? { ...s, status: m.status } : s));
        break;
      case 'detection':
        this.detections = mergeDetections(this.detections, [m.detection]);
        this.received++;
        break;
      case 'encounter':
        this.seedEncounters([m.encounter]);
        break;
      case 'alert':
        this.seedAlerts([m.alert]);
        break;
      default:
        break;
    }
  }
}
