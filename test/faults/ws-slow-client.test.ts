// The real server with 50 WebSocket clients on 127.0.0.1 while 10 stations replay at 15× real time:
// one client subscribes to every station's spectrogram and then never reads (its socket paused).
// Kernel buffers on loopback would absorb the few MB a live run sends it in these seconds, so it
// also re-subscribes every 200 ms, which makes the server send each station's backlog of columns
// again: its unsent bytes pile up past the kernel into the server's own buffer (the test checks
// the server had to skip frames for it or drop it). The pipelines must not notice (lag stays
// where it was, the replay keeps its pace) and the other 49 clients must get every detection
// the monitor stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tap } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { defaultFeatureConfig as cfg } from '../../models/feature-config.ts';
import { startServer } from '../../server/app.ts';
import { startMonitor } from '../../server/monitor.ts';
import { openStationSource } from '../../server/station-source.ts';
import { createEmbeddedStore } from '../../server/store/embedded.ts';
import type { Detection } from '../../streams/types.ts';
import { DEFAULT_SHAPE, burstClassifier, expectedWindows, stationsConfig, until, writeBurstWav, type BurstShape } from './burst-harness.ts';

const SHAPE: BurstShape = { ...DEFAULT_SHAPE, sampleRate: 16_000, seconds: 120 };
const STATIONS = 10;
// 15× real time on 10 stations is ~30 % of a core: room to spare when other test files run alongside.
const SPEED = 15;
const CLIENTS = 50;
const root = mkdtempSync(join(tmpdir(), 'hm-faults-ws-'));
let wav = '';
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(() => {
  wav = writeBurstWav(join(root, 'rec'), SHAPE);
});

interface TestClient {
  readonly ws: WebSocket;
  readonly detections: Set<string>;
}

async function connect(url: string): Promise<TestClient> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  const c: TestClient = { ws, detections: new Set() };
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const m = JSON.parse(data.toString()) as { type: string; detection?: Detection };
    if (m.type === 'detection' && m.detection) c.detections.add(m.detection.id);
  });
  ws.on('error', () => undefined); // the slow one may be dropped by the server
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  return c;
}

describe('a WebSocket client that never reads', () => {
  it('does not slow the pipelines, and the other 49 clients get every detection', async () => {
    const model = await burstClassifier(SHAPE);
    // How far each station's replay trails its pace: wall time since its first chunk × speed − audio delivered.
    const first = new Map<string, number>();
    const audioS = new Map<string, number>();
    const behindS = (): number => {
      const now = Date.now();
      let worst = -Infinity;
      for (const [id, f] of first) worst = Math.max(worst, ((now - f) / 1000) * SPEED - (audioS.get(id) ?? 0));
      return worst / SPEED; // in wall seconds
    };
    const monitor = startMonitor({
      config: stationsConfig({ n: STATIONS, source: wav, speed: SPEED }),
      store: createEmbeddedStore({ dir: join(root, 'data') }),
      model,
      featureConfig: cfg,
      openSource: (st, ctx) => openStationSource(st, ctx).pipe(tap((c) => {
        if (!first.has(st.id)) first.set(st.id, Date.now());
        audioS.set(st.id, (audioS.get(st.id) ?? 0) + c.samples.length / c.sampleRate);
      })),
      log: () => undefined,
    });
    const emitted = new Set<string>();
    // What the healthy clients must all get: everything emitted once they are connected (the
    // stations start with the monitor, so under load the first detections can precede them).
    const whileConnected = new Set<string>();
    let connected = false;
    monitor.detections$.subscribe((d) => {
      emitted.add(d.id);
      if (connected) whileConnected.add(d.id);
    });
    const lags: number[] = [];
    monitor.status$.subscribe((s) => lags.push(s.lagS));
    const { app, url } = await startServer(monitor, { port: 0 });
    const clients: TestClient[] = [];
    try {
      clients.push(...(await Promise.all(Array.from({ length: CLIENTS }, () => connect(url)))));
      connected = true;
      const slow = clients[0];
      slow.ws.pause();
      // The stations started before the clients connected: forget what arrived before the pause.
      slow.detections.clear();
      const resubscribe = (): void => {
        if (slow.ws.readyState !== WebSocket.OPEN) return;
        for (const st of monitor.stations()) {
          slow.ws.send(JSON.stringify({ type: 'unsubscribe', station: st.id }));
          slow.ws.send(JSON.stringify({ type: 'subscribe', station: st.id }));
        }
      };
      resubscribe();
      const pester = setInterval(resubscribe, 200);
      const healthy = clients.slice(1);

      await until('replay to reach its stride', () => first.size === STATIONS, 10_000);
      await new Promise((r) => setTimeout(r, 1000));
      const behindEarly = behindS();
      await monitor.ended;
      const behindLate = behindS();
      clearInterval(pester);
      await until('the store writes to finish', () => Object.values(monitor.metrics().queueDepth).every((n) => n === 0), 10_000);
      await until('the last detections to reach the clients', () => healthy.every((c) => [...whileConnected].every((id) => c.detections.has(id))), 5_000).catch(() => undefined);

      const expected = STATIONS * expectedWindows(SHAPE.seconds, SHAPE).length;
      expect(emitted.size).toBe(expected);
      expect(slow.detections.size).toBe(0); // it really read nothing after the pause
      expect(whileConnected.size).toBeGreaterThan(expected / 2); // the clients were there for most of the replay
      for (const c of healthy) expect([...whileConnected].filter((id) => !c.detections.has(id))).toEqual([]);
      // The pipelines kept their pace: the replay did not fall behind while the client blocked.
      expect(behindLate - behindEarly).toBeLessThan(1);
      expect(Math.max(...lags)).toBeLessThan(0.5);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const skipped = Number(/hydromon_ws_skipped_frames_total (\d+)/.exec(metrics)?.[1]);
      const dropped = Number(/hydromon_ws_dropped_total (\d+)/.exec(metrics)?.[1]);
      // The slow client's bytes reached the server's own buffer (else this tested only the kernel).
      expect(skipped + dropped).toBeGreaterThan(0);
      process.stderr.write(`ws-slow-client: ${emitted.size} detections, lag max ${Math.max(...lags).toFixed(3)} s, replay behind ${behindEarly.toFixed(2)} → ${behindLate.toFixed(2)} s, slow client: ${slow.detections.size} detections read, server skipped ${skipped} frames, dropped ${dropped} clients\n`);
    } finally {
      // terminate, not close: a paused client never answers a close frame (ws would wait 30 s).
      for (const c of clients) c.ws.terminate();
      await app.close();
      await monitor.stop();
    }
  }, 60_000);
});
