import { afterEach, describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../../server/alerts/signature.ts';
import { SinkQueue } from '../../../server/alerts/sink-queue.ts';
import { webhookSink } from '../../../server/alerts/sinks/webhook.ts';
import type { Alert } from '../../../server/alerts/types.ts';
import { T0 } from './fixtures.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const alert = (i: number): Alert => ({ id: `a${i}`, kind: 'detection', at: T0 + i, station: 'lab', species: 'orca', message: `orca ${i}` });

let rx: Receiver | undefined;
afterEach(async () => { await rx?.close(); rx = undefined; });

describe('webhook sink against a real receiver on 127.0.0.1', () => {
  it('POSTs the alert as JSON with a verifiable HMAC-SHA256 signature', async () => {
    rx = await startReceiver();
    const sink = webhookSink({ url: rx.url, secret: 's3cret' });
    await sink.send(alert(1));
    expect(rx.received.length).toBe(1);
    const got = rx.received[0];
    expect(JSON.parse(got.body)).toEqual(alert(1));
    expect(got.headers['content-type']).toBe('application/json');
    const sig = got.headers['x-hydromon-signature'] as string;
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature('s3cret', got.body, sig)).toBe(true);
    expect(verifySignature('wrong', got.body, sig)).toBe(false);
    expect(verifySignature('s3cret', `${got.body} `, sig)).toBe(false);
  });

  it('sends no signature without a secret', async () => {
    rx = await startReceiver();
    await webhookSink({ url: rx.url }).send(alert(1));
    expect(rx.received[0].headers['x-hydromon-signature']).toBeUndefined();
  });

  it('retries 5xx with backoff and counts the retries', async () => {
    rx = await startReceiver();
    rx.respond = (n) => (n < 2 ? 503 : 200);
    const sink = webhookSink({ url: rx.url, backoffMs: 20, retries: 4 });
    await sink.send(alert(1));
    expect(rx.received.length).toBe(3);
    expect(sink.retried).toBe(2);
    const q = new SinkQueue(sink);
    rx.respond = (n) => (n === 3 ? 502 : 204);
    q.offer(alert(2));
    expect(await q.idle(5000)).toBe(true);
    expect(q.stats()).toEqual({ queued: 0, sent: 1, failed: 0, dropped: 0, retried: 3 });
  });

  it('gives up after the retries, and does not retry a 4xx refusal', async () => {
    rx = await startReceiver();
    rx.respond = () => 500;
    const sink = webhookSink({ url: rx.url, backoffMs: 5, retries: 2 });
    await expect(sink.send(alert(1))).rejects.toThrow(/answered 500/);
    expect(rx.received.length).toBe(3);
    rx.respond = () => 400;
    await expect(sink.send(alert(2))).rejects.toThrow(/answered 400/);
    expect(rx.received.length).toBe(4);
  });

  it('times out a hanging receiver', async () => {
    rx = await startReceiver();
    rx.respond = (n) => (n === 0 ? 'hang' : 204);
    const sink = webhookSink({ url: rx.url, timeoutMs: 150, backoffMs: 5, retries: 1 });
    const t = Date.now();
    await sink.send(alert(1));
    expect(Date.now() - t).toBeGreaterThanOrEqual(150);
    expect(sink.retried).toBe(1);
    expect(rx.received.length).toBe(2);
  });

  it('a hanging receiver never blocks the caller: offer() returns at once, the oldest are dropped', async () => {
    rx = await startReceiver();
    rx.respond = () => 'hang';
    const q = new SinkQueue(webhookSink({ url: rx.url, timeoutMs: 60_000, retries: 0 }), { capacity: 10 });
    const t = performance.now();
    for (let i = 0; i < 1000; i++) q.offer(alert(i));
    expect(performance.now() - t).toBeLessThan(1000); // one blocked send would take 60 s
    expect(q.stats()).toEqual({ queued: 10, sent: 0, failed: 0, dropped: 990, retried: 0 });
  });

  it('delivers everything queued once a slow receiver answers', async () => {
    rx = await startReceiver();
    const q = new SinkQueue(webhookSink({ url: rx.url }), { capacity: 100 });
    for (let i = 0; i < 20; i++) q.offer(alert(i));
    expect(await q.idle(5000)).toBe(true);
    expect(q.stats()).toEqual({ queued: 0, sent: 20, failed: 0, dropped: 0, retried: 0 });
    expect(rx.received.map((r) => (JSON.parse(r.body) as Alert).id)).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));
  });

  it('signBody is HMAC-SHA256 hex', () => {
    // RFC 4231 test case 2
    expect(signBody('Jefe', 'what do ya want for nothing?')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});
