import pino from 'pino';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertService } from '../../../server/alerts/service.ts';
import type { Alert } from '../../../server/alerts/types.ts';
import { verifySignature } from '../../../server/alerts/signature.ts';
import type { Encounter } from '../../../streams/types.ts';
import { T0, call, st } from './fixtures.ts';
import { startReceiver, type Receiver } from './receiver.ts';

function memoryLogger(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const stream = new Writable({ write(c: Buffer, _e, cb) { out.push(c.toString()); cb(); } });
  return { logger: pino({ level: 'info' }, stream), lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

let rx: Receiver | undefined;
afterEach(async () => { await rx?.close(); rx = undefined; });

describe('alert service', () => {
  it('turns a ten-minute pod into one alert on every sink, signed on the webhook', async () => {
    rx = await startReceiver();
    const log = memoryLogger();
    const svc = createAlertService(
      { rules: [{ species: 'orca', minCount: 2, windowS: 60 }], webhooks: [{ url: rx.url, secretEnv: 'HOOK_SECRET' }] },
      { logger: log.logger, env: { HOOK_SECRET: 'k' } },
    );
    const seen: Alert[] = [];
    const encs: Encounter[] = [];
    svc.alerts$.subscribe((a) => seen.push(a));
    svc.encounters$.subscribe((e) => encs.push(e));
    for (let i = 0; i < 200; i++) svc.onDetection(call(i * 3));
    await svc.close();
    expect(seen.length).toBe(1);
    expect(seen[0].encounter?.count).toBe(2);
    expect(rx.received.length).toBe(1);
    expect(verifySignature('k', rx.received[0].body, rx.received[0].headers['x-hydromon-signature'] as string)).toBe(true);
    expect(log.lines().filter((l) => l.level === 40).length).toBe(1);
    expect(encs.at(-1)?.count).toBe(200);
    expect(new Set(encs.map((e) => e.id)).size).toBe(1);
  });

  it('keeps processing at full speed while the webhook hangs, and reports the failure once', async () => {
    rx = await startReceiver();
    rx.respond = () => 'hang';
    const log = memoryLogger();
    const svc = createAlertService(
      { encounterGapS: 1, queueSize: 5, rules: [{ cooldownS: 0 }], webhooks: [{ url: rx.url, timeoutMs: 100, retries: 0 }] },
      { logger: log.logger },
    );
    const t = performance.now();
    // 300 separate encounters → 300 alerts
    for (let i = 0; i < 300; i++) svc.onDetection(call(i * 10, { station: 'lab' }));
    expect(performance.now() - t).toBeLessThan(2000); // waiting on the sink would take 300 × 100 ms
    const stats = svc.stats();
    const hook = Object.entries(stats).find(([k]) => k.startsWith('webhook'))![1];
    expect(hook.dropped).toBeGreaterThanOrEqual(290);
    expect(stats.events.sent + stats.events.queued + stats.events.dropped).toBe(300);
    const errorsNow = (): Record<string, unknown>[] => log.lines().filter((l) => l.level === 50);
    for (let waited = 0; errorsNow().length === 0 && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 400)); // several more sends fail meanwhile…
    expect(Object.entries(svc.stats()).find(([k]) => k.startsWith('webhook'))![1].failed).toBeGreaterThan(1);
    const errors = errorsNow(); // …but the log heard about it once
    expect(errors.length).toBe(1);
    expect(String(errors[0].msg)).toMatch(/no answer within 100 ms/);
    await svc.close(100);
  });

  it('raises station outages from statuses and from tick()', async () => {
    const svc = createAlertService({ stationDownAfterS: 60, log: false });
    const seen: Alert[] = [];
    svc.alerts$.subscribe((a) => seen.push(a));
    svc.onStatus(st(0, 'live'));
    svc.onStatus(st(5, 'stalled'));
    svc.onStatus(st(70, 'stalled'));
    svc.tick(T0 + 100_000);
    svc.onStatus(st(120, 'live', { station: 'other' }));
    svc.tick(T0 + 200_000);
    svc.onStatus(st(300, 'live'));
    await svc.close(); // the in-process stream is a sink like the others: delivered asynchronously
    expect(seen.map((a) => [a.kind, a.station, a.state])).toEqual([
      ['station-down', 'lab', 'stalled'],
      ['station-down', 'other', 'no-status'],
      ['station-recovered', 'lab', 'live'],
    ]);
  });

  it('closes encounters on detection time even when replaying old audio', async () => {
    const svc = createAlertService({ encounterGapS: 60, log: false, rules: [{}] });
    const seen: Alert[] = [];
    svc.alerts$.subscribe((a) => seen.push(a));
    svc.onDetection(call(0));
    svc.tick(); // wall clock is far past T0 + gap; the stream clock is not
    svc.onDetection(call(30));
    await svc.close();
    expect(seen.length).toBe(1);
  });
});
