import type { Socket } from 'node:net';
import type { Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { tcpSource } from '../../../streams/sources/tcp.ts';
import { toneFreq, until, wait } from './helpers/http-fixture.ts';
import { splitRandomly, toneStream } from './helpers/pusher.ts';
import { closed, dial, listenStation } from './helpers/tcp-station.ts';

async function sendAll(s: Socket, parts: Uint8Array[]): Promise<void> {
  for (const p of parts) {
    s.write(p);
    await new Promise((r) => setImmediate(r));
  }
}

describe('tcp source (listens on 127.0.0.1 for a HYDR pusher)', () => {
  let sub: Subscription | null = null;
  afterEach(() => sub?.unsubscribe());

  it('times chunks from the pusher, records lost frames, refuses a second pusher, survives garbage, stalls and drops', async () => {
    const st = await listenStation({ stallS: 1.5, chunkS: 0.1 });
    const { chunks, events, port } = st;
    sub = st.sub;

    // 1. A pusher with a start time: 2 s of 440 Hz stereo, frame 7 lost, bytes split anywhere.
    const T = 1_700_000_000_000;
    const a = toneStream({ freqHz: 440, sampleRate: 16000, frames: 20, startMs: T });
    const p1 = await dial(port);
    await sendAll(p1, splitRandomly(Buffer.concat([a.header, ...a.frames.filter((_, i) => i !== 7)])));
    // 2. A second pusher while the first is connected is refused.
    const p2 = await dial(port);
    await closed(p2);
    await until(() => chunks.length >= 19, 10_000, 'first pusher audio');
    expect(events.some((e) => e.type === 'error' && /refused: station buoy already has a pusher/.test(e.message))).toBe(true);
    p1.end();
    await closed(p1);
    await until(() => events.some((e) => e.type === 'status' && e.state === 'down'), 10_000, 'down');

    expect(chunks[0].t0).toBe(T);
    expect(chunks.every((c) => c.sampleRate === 16000 && c.samples.length === 1600)).toBe(true);
    chunks.forEach((c, i) => expect(c.seq).toBe(i));
    for (const c of chunks) expect(toneFreq(c.samples, 16000)).toBeCloseTo(440, -1);
    expect(chunks[7].t0).toBe(T + 800); // frame 7 missing: chunk 7 starts where frame 8 does
    const gap = events.find((e) => e.type === 'gap');
    expect(gap).toMatchObject({ type: 'gap', start: T + 700, lengthS: 0.1 });
    expect(gap?.type === 'gap' && gap.reason).toMatch(/1 frame\(s\) lost \(seq 7\.\.7\)/);

    // 3. Garbage: refused with a clear message, the station keeps waiting.
    const g = await dial(port);
    g.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed(g);
    await until(() => events.some((e) => e.type === 'error' && /bad magic "GET "/.test(e.message)), 10_000, 'garbage error');

    // 4. A pusher without a start time → wall clock; then it stalls → 'stalled' and dropped by the monitor.
    const n0 = chunks.length;
    const b = toneStream({ freqHz: 1000, sampleRate: 16000, frames: 5, startMs: null });
    const p3 = await dial(port);
    const before = Date.now();
    await sendAll(p3, [b.header, ...b.frames]);
    await until(() => chunks.length >= n0 + 5, 10_000, 'second pusher audio');
    await closed(p3); // the monitor hangs up on a stalled pusher
    const after = Date.now();
    expect(events.some((e) => e.type === 'status' && e.state === 'stalled')).toBe(true);
    const c = chunks[n0];
    expect(c.t0).toBeGreaterThan(before - 600);
    expect(c.t0).toBeLessThan(after);
    expect(toneFreq(c.samples, 16000)).toBeCloseTo(1000, -1);
    // the gap between the two pushers is recorded
    expect(events.filter((e) => e.type === 'gap').length).toBeGreaterThanOrEqual(1);

    // 5. A 2 GB length field: error, dropped, nothing huge allocated.
    const p4 = await dial(port);
    const bad = Buffer.alloc(4);
    bad.writeUInt32LE(0x80000000);
    p4.write(Buffer.concat([b.header, bad]));
    await closed(p4);
    await until(() => events.some((e) => e.type === 'error' && /exceeds the limit/.test(e.message)), 10_000, 'length error');

    // 6. Unsubscribe closes the port.
    sub.unsubscribe();
    sub = null;
    await wait(50);
    await expect(dial(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a pusher that dials between two sessions is held and served, not refused', async () => {
    // A fixed 500 ms pause between sessions opens the gap that 'immediate' only makes likely under load.
    const st = await listenStation({ chunkS: 0.1, backoff: { baseMs: 500, maxMs: 500, random: () => 0.999 } });
    const { chunks, events, port } = st;
    sub = st.sub;
    const T = 1_700_000_000_000;
    const a = toneStream({ freqHz: 440, sampleRate: 16000, frames: 5, startMs: T });
    const p1 = await dial(port);
    await sendAll(p1, [a.header, ...a.frames]);
    await until(() => chunks.length >= 5, 10_000, 'first pusher audio');
    p1.end();
    await until(() => events.some((e) => e.type === 'status' && e.state === 'down'), 10_000, 'down');
    const downs = events.filter((e) => e.type === 'status' && e.state === 'down').length;
    // Inside the gap: no session is waiting yet.
    const b = toneStream({ freqHz: 1000, sampleRate: 16000, frames: 5, startMs: T + 10_000 });
    const p2 = await dial(port);
    await sendAll(p2, [b.header, ...b.frames]);
    expect(events.filter((e) => e.type === 'status' && e.state === 'down').length).toBe(downs);
    await until(() => chunks.length >= 10, 10_000, 'second pusher audio');
    expect(events.some((e) => e.type === 'error' && /refused/.test(e.message))).toBe(false);
    expect(chunks[5].t0).toBe(T + 10_000);
    expect(toneFreq(chunks[5].samples, 16000)).toBeCloseTo(1000, -1);
    p2.destroy();
  });

  it('a port already taken faults with a message naming it', async () => {
    let port = 0;
    const s1 = tcpSource({ station: 'a' }, { host: '127.0.0.1', port: 0, onListening: (p) => (port = p) }).subscribe();
    await until(() => port > 0, 10_000, 'listening');
    const err = await new Promise<Error>((resolve) => {
      sub = tcpSource({ station: 'b' }, { host: '127.0.0.1', port }).subscribe({ error: resolve });
    });
    s1.unsubscribe();
    expect(err.message).toMatch(new RegExp(`cannot listen on tcp://127.0.0.1:${port}: .*EADDRINUSE`));
  });
});
