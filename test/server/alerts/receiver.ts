// A real HTTP receiver on 127.0.0.1 whose behaviour each test scripts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Decide per request (0-based count): a status, or 'hang' to never answer. */
  respond: (n: number) => number | 'hang';
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  let n = 0;
  const r: Receiver = {
    url: '',
    received,
    respond: () => 204,
    close: () => new Promise<void>((res) => {
      for (const h of hanging) h.destroy();
      server.closeAllConnections();
      server.close(() => res());
    }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      const what = r.respond(n++);
      if (what === 'hang') {
        hanging.push(res);
        return;
      }
      res.statusCode = what;
      res.end();
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  (r as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return r;
}
