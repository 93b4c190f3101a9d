// The real server on a FakeMonitor in its own Node process, steered over stdin/stdout with one
// JSON line per command. Client tests run in jsdom, where the server's Node-only packages cannot
// load; a separate process is also how the browser meets the server in real life.
//   → {"id":1,"cmd":"start"}                 ← {"id":1,"ok":true,"port":12345}
//   → {"id":2,"cmd":"stop"}                  (closes the server, keeps the monitor and port)
//   → {"id":3,"cmd":"detection","detection":{…}} | "status" | "column" {station,t,n} | "subscribers" {station}
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import { startServer } from '../../server/app.ts';
import type { Detection, StationStatus } from '../../streams/types.ts';
import { column, FakeMonitor } from '../helpers/fake-monitor.ts';

const monitor = new FakeMonitor([{ id: 'lab' }, { id: 'bay' }]);
let app: FastifyInstance | null = null;
let port = 0;

type Command =
  | { id: number; cmd: 'start' | 'stop' }
  | { id: number; cmd: 'detection'; detection: Detection }
  | { id: number; cmd: 'status'; status: StationStatus }
  | { id: number; cmd: 'column'; station: string; t: number; n: number }
  | { id: number; cmd: 'subscribers'; station: string };

async function run(c: Command): Promise<Record<string, unknown>> {
  switch (c.cmd) {
    case 'start': {
      const s = await startServer(monitor, { port, clientDir: '/nonexistent' });
      app = s.app;
      port = Number(new URL(s.url).port);
      return { port };
    }
    case 'stop':
      await app?.close();
      app = null;
      return {};
    case 'detection':
      await monitor.pushDetection(c.detection);
      return {};
    case 'status':
      monitor.pushStatus(c.status);
      return {};
    case 'column':
      monitor.pushColumn(column(c.station, c.t, { n: c.n }));
      return {};
    case 'subscribers':
      return { count: monitor.spectrogramSubscribers.get(c.station) ?? 0 };
  }
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const c = JSON.parse(line) as Command;
  run(c).then(
    (r) => process.stdout.write(JSON.stringify({ id: c.id, ok: true, ...r }) + '\n'),
    (e: unknown) => process.stdout.write(JSON.stringify({ id: c.id, ok: false, error: String(e) }) + '\n'),
  );
});
rl.on('close', () => { void app?.close().finally(() => process.exit(0)); if (!app) process.exit(0); });
