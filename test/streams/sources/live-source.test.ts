import { describe, expect, it } from 'vitest';
import { liveSource, type Connect } from '../../../streams/sources/live-source.ts';
import { createWatchdog, type TimerApi } from '../../../streams/sources/watchdog.ts';
import type { PcmChunk, SourceEvent } from '../../../streams/types.ts';
import { wait } from './helpers/http-fixture.ts';

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('watchdog', () => {
  it('fires once after the timeout without kicks, never after stop', () => {
    let now = 0;
    const pending: Array<{ at: number; fn: () => void; id: number }> = [];
    let ids = 0;
    const fake: TimerApi = {
      setTimeout: (fn, ms) => {
        const t = { at: now + ms, fn, id: ++ids };
        pending.push(t);
        return t.id;
      },
      clearTimeout: (id) => {
        const i = pending.findIndex((p) => p.id === id);
        if (i >= 0) pending.splice(i, 1);
      },
    };
    const advance = (ms: number): void => {
      now += ms;
      for (const p of pending.filter((x) => x.at <= now)) {
        pending.splice(pending.indexOf(p), 1);
        p.fn();
      }
    };
    let stalls = 0;
    const w = createWatchdog(1000, () => stalls++, fake);
    advance(900);
    w.kick();
    advance(900);
    expect(stalls).toBe(0);
    advance(200);
    expect(stalls).toBe(1);
    w.kick();
    advance(5000);
    expect(stalls).toBe(1);
    const w2 = createWatchdog(1000, () => stalls++, fake);
    w2.stop();
    advance(5000);
    expect(stalls).toBe(1);
    expect(pending).toHaveLength(0);
  });
});

describe('live source loop', () => {
  it('a dead endpoint is retried with backoff, not in a storm', async () => {
    let attempts = 0;
    const connect: Connect = (s) => {
      attempts++;
      s.ended('connection refused');
      return () => undefined;
    };
    const sub = liveSource({ station: 'x' }, connect, { backoff: { baseMs: 20, maxMs: 40, random: () => 0.5 } }).subscribe();
    await wait(500);
    sub.unsubscribe();
    const n = attempts;
    // delays 10, 20, 20, 20 … ms → about 25 in 500 ms; without backoff it would be thousands.
    expect(n).toBeGreaterThan(8);
    expect(n).toBeLessThan(40);
    await wait(100);
    expect(attempts).toBe(n); // nothing after unsubscribe
  });

  it('a stall (connected, no audio) is detected by the timer, torn down and reconnected', async () => {
    let connects = 0;
    let teardowns = 0;
    const events: SourceEvent[] = [];
    const chunks: PcmChunk[] = [];
    const connect: Connect = (s) => {
      connects++;
      const t = setTimeout(() => s.audio(new Float32Array(800), 8000), 10);
      return () => {
        clearTimeout(t);
        teardowns++;
      };
    };
    const before = timers();
    const sub = liveSource({ station: 'x', report: (e) => events.push(e) }, connect, {
      stallS: 0.15,
      startupS: 1,
      chunkS: 0.1,
      backoff: { baseMs: 10, maxMs: 10 },
    }).subscribe((c) => chunks.push(c));
    await wait(700);
    sub.unsubscribe();
    expect(connects).toBeGreaterThanOrEqual(3);
    expect(teardowns).toBe(connects); // every connection torn down, the last by unsubscribe
    const states = events.filter((e) => e.type === 'status').map((e) => (e as { state: string }).state);
    const stalls = states.filter((s) => s === 'stalled').length;
    expect(stalls === connects - 1 || stalls === connects).toBe(true); // the last may have stalled during the retry wait
    expect(states.slice(0, 5)).toEqual(['connecting', 'live', 'stalled', 'down', 'connecting']);
    // each reconnection records the hole since the previous audio
    expect(events.filter((e) => e.type === 'gap').length).toBe(states.filter((s) => s === 'live').length - 1);
    chunks.forEach((c, i) => expect(c.seq).toBe(i));
    await wait(50);
    expect(timers()).toBeLessThanOrEqual(before); // (vitest may hold a timer of its own in "before")
  });

  it('fatal: errors the observable once, no retry, nothing left running', async () => {
    let connects = 0;
    const before = timers();
    const err = await new Promise<Error>((resolve) => {
      liveSource({ station: 'x' }, (s) => {
        connects++;
        setTimeout(() => s.fatal('ffmpeg not found'), 5);
        return () => undefined;
      }).subscribe({ error: resolve });
    });
    expect(err.message).toBe('ffmpeg not found');
    await wait(100);
    expect(connects).toBe(1);
    expect(timers()).toBeLessThanOrEqual(before); // (vitest may hold a timer of its own in "before")
  });

  it('unsubscribing during a backoff wait clears the retry timer', async () => {
    const before = timers();
    const sub = liveSource({ station: 'x' }, (s) => {
      s.ended('refused');
      return () => undefined;
    }, { backoff: { baseMs: 60_000, random: () => 0.9 } }).subscribe();
    expect(timers()).toBe(before + 1);
    sub.unsubscribe();
    expect(timers()).toBeLessThanOrEqual(before); // (vitest may hold a timer of its own in "before")
  });
});
