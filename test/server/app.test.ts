// App wiring: who may call it, what it serves when the client is or is not built, errors as JSON.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp, startServer } from '../../server/app.ts';
import { isLoopback, resolveToken } from '../../server/auth.ts';
import { FakeMonitor } from '../helpers/fake-monitor.ts';

const monitor = () => new FakeMonitor([{ id: 'lab' }]);

describe('token rules', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'example.org']) expect(isLoopback(h), h).toBe(false);
  });

  it('refuses to start off loopback without a token, with a message that says what to do', async () => {
    await expect(buildApp(monitor(), { host: '0.0.0.0' })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without a token.*HYDROMON_TOKEN/s);
    expect(resolveToken('0.0.0.0', undefined, { HYDROMON_TOKEN: 's3cret' })).toBe('s3cret');
    expect(resolveToken('127.0.0.1', undefined, {})).toBeNull();
  });
});

describe('with a token', () => {
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    // Bound to loopback (tests never use other addresses) but with a token: the same checks apply.
    const { app, url: u } = await startServer(monitor(), { port: 0, token: 'tok-123', clientDir: '/nonexistent' });
    url = u;
    close = () => app.close();
  });
  afterAll(() => close());

  it('rejects /api, /metrics and /ws without it and accepts Bearer or ?token=', async () => {
    expect((await fetch(`${url}/api/stations`)).status).toBe(401);
    expect((await fetch(`${url}/api/stations`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/api/stations`, { headers: { authorization: 'Bearer tok-123' } })).status).toBe(200);
    expect((await fetch(`${url}/api/stations?token=tok-123`)).status).toBe(200);
    expect((await fetch(`${url}/api/detections?token=tok-123&limit=5`)).status).toBe(200);
    // The page itself is public: it only holds the app, and asks for the token in its URL.
    expect((await fetch(`${url}/`)).status).toBe(200);
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => { ws.close(); resolve(101); });
    });
    expect(refused).toBe(401);
    const hello = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?token=tok-123`);
      ws.on('message', (d) => { ws.close(); resolve(String(d)); });
      ws.on('error', reject);
    });
    expect(JSON.parse(hello).type).toBe('hello');
  });
});

describe('static client', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hydromon-client-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>built</title><div id="app"></div>');
    writeFileSync(join(dir, 'assets/app.js'), 'console.log(1)');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the built client, with the app shell for client routes', async () => {
    const app = await buildApp(monitor(), { clientDir: dir });
    const index = await app.inject('/');
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('<title>built</title>');
    expect((await app.inject('/assets/app.js')).body).toBe('console.log(1)');
    expect((await app.inject('/history/today')).body).toContain('<title>built</title>');
    expect((await app.inject('/assets/app-0123abcd.js')).statusCode).toBe(404);
    // A rebuild while the server runs: new files are served without a restart.
    writeFileSync(join(dir, 'assets/app-0123abcd.js'), 'console.log(2)');
    expect((await app.inject('/assets/app-0123abcd.js')).body).toBe('console.log(2)');
    const api404 = await app.inject('/api/does-not-exist');
    expect(api404.statusCode).toBe(404);
    expect(api404.json().error).toBe('not_found');
    await app.close();
  });

  it('says how to build the client when it is missing', async () => {
    const app = await buildApp(monitor(), { clientDir: join(dir, 'nope') });
    const r = await app.inject('/');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('npm run build:client');
    await app.close();
  });
});
