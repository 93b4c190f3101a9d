// Fuzz of the HYDR push framing (TCP and WebSocket carry the same bytes): thousands of mutated and
// random byte streams, cut at random places, with a fixed seed. The contract: the parser yields
// events or throws a FramingError naming what was wrong — nothing else, no hang, nothing huge
// allocated; the push receiver never throws and reports every dropped connection; and a real
// TCP station takes a stream of bad pushers on 127.0.0.1 and still serves the next good one.
import type { Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFrameParser, encodeFrame, encodeHeader, FramingError, type StreamHeader } from '../../../streams/sources/framing.ts';
import type { LiveSession } from '../../../streams/sources/live-source.ts';
import { decodeToMono } from '../../../streams/sources/pcm-format.ts';
import { createPushReceiver } from '../../../streams/sources/pushed.ts';
import { rng } from '../../helpers/signals.ts';
import { until } from './helpers/http-fixture.ts';
import { toneStream } from './helpers/pusher.ts';
import { closed, dial, listenStation } from './helpers/tcp-station.ts';

const int = (r: () => number, n: number): number => Math.floor(r() * n);

/** A valid stream in one of the three formats, 1–4 channels, some frames with timestamps. */
function validStream(r: () => number): Uint8Array {
  const formats = ['s16le', 's24le', 'f32le'] as const;
  const format = formats[int(r, 3)];
  const channels = 1 + int(r, 4);
  const bps = format === 's16le' ? 2 : format === 's24le' ? 3 : 4;
  const parts: Uint8Array[] = [encodeHeader({ format, channels, sampleRate: [2000, 16000, 48000][int(r, 3)], startMs: r() < 0.5 ? null : 1.7e12 })];
  const frames = 1 + int(r, 6);
  for (let f = 0; f < frames; f++) {
    const payload = new Uint8Array((1 + int(r, 200)) * channels * bps);
    for (let i = 0; i < payload.length; i++) payload[i] = int(r, 256);
    parts.push(encodeFrame(f, payload, r() < 0.3 ? 1.7e12 + f * 100 : undefined));
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One to four mutations: bit flips, overwritten bytes, a cut, an insertion, a repeated span. */
function mutate(b: Uint8Array, r: () => number): Uint8Array {
  let x = b.slice();
  for (let m = 0, n = 1 + int(r, 4); m < n && x.length > 0; m++) {
    const at = int(r, x.length);
    switch (int(r, 5)) {
      case 0: x[at] ^= 1 << int(r, 8); break;
      case 1: x[at] = [0, 0xff, 0x7f, 0x80][int(r, 4)]; break;
      case 2: x = x.slice(0, at); break;
      case 3: { const ins = Uint8Array.from({ length: 1 + int(r, 16) }, () => int(r, 256)); const y = new Uint8Array(x.length + ins.length); y.set(x.subarray(0, at)); y.set(ins, at); y.set(x.subarray(at), at + ins.length); x = y; break; }
      default: { const len = Math.min(x.length - at, 1 + int(r, 64)); const y = new Uint8Array(x.length + len); y.set(x.subarray(0, at + len)); y.set(x.subarray(at, at + len), at + len); y.set(x.subarray(at + len), at + 2 * len); x = y; }
    }
  }
  return x;
}

/** Cut at random places (1 to 700 bytes a piece), as TCP segments or WebSocket messages would. */
function pieces(b: Uint8Array, r: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; ) {
    const n = 1 + int(r, 700);
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

function cases(seed: number, mutated: number, random: number): Uint8Array[] {
  const r = rng(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < mutated; i++) out.push(mutate(validStream(r), r));
  for (let i = 0; i < random; i++) {
    const b = Uint8Array.from({ length: int(r, 400) }, () => int(r, 256));
    if (r() < 0.5 && b.length >= 4) b.set([0x48, 0x59, 0x44, 0x52]); // "HYDR": get past the magic
    out.push(b);
  }
  return out;
}

describe('fuzz: HYDR framing (seed 4321)', () => {
  it('3000 mutated streams and 1000 random byte strings: events or a FramingError, nothing else', () => {
    const r = rng(99);
    let errors = 0;
    let frames = 0;
    const messages = new Set<string>();
    for (const bytes of cases(4321, 3000, 1000)) {
      const p = createFrameParser({ maxFrameBytes: 64 * 1024 });
      let header: StreamHeader | null = null;
      try {
        for (const piece of pieces(bytes, r)) {
          for (const ev of p.push(piece)) {
            if (ev.kind === 'header') header = ev.header;
            else {
              frames++;
              expect(header).not.toBeNull(); // no frame before a header
              const h = header as StreamHeader;
              const mono = decodeToMono(ev.frame.payload, h.format, h.channels);
              const bps = h.format === 's16le' ? 2 : h.format === 's24le' ? 3 : 4;
              expect(mono.length).toBe(ev.frame.payload.length / (bps * h.channels));
              expect(ev.frame.payload.length).toBeLessThanOrEqual(64 * 1024);
            }
          }
        }
      } catch (e) {
        if (!(e instanceof FramingError)) throw e;
        expect(e.message.length).toBeGreaterThan(10);
        messages.add(e.message.replace(/[0-9]+/g, 'N'));
        errors++;
      }
    }
    // the cases reach deep: many frames decoded, many different errors named
    expect(frames).toBeGreaterThan(3000);
    expect(errors).toBeGreaterThan(1000);
    expect(messages.size).toBeGreaterThanOrEqual(5);
  });

  it('the push receiver never throws: bad bytes drop the connection with an error naming the peer', () => {
    const r = rng(7);
    let dropped = 0;
    for (const bytes of cases(8765, 1500, 500)) {
      const log: string[] = [];
      let active = true;
      const session: LiveSession = {
        get active() { return active; },
        connected: () => undefined,
        audio: (samples) => { expect(samples).toBeInstanceOf(Float32Array); },
        hole: (reason) => log.push(`hole ${reason}`),
        error: (m) => log.push(`error ${m}`),
        ended: (reason) => { log.push(`ended ${reason}`); active = false; },
        fatal: (m) => { throw new Error(`fatal is not for bad bytes: ${m}`); },
      };
      const rx = createPushReceiver(session, 'pusher 127.0.0.1:9 on tcp://x', { maxFrameBytes: 64 * 1024 });
      for (const piece of pieces(bytes, r)) {
        if (!rx.push(piece)) {
          dropped++;
          expect(log.some((l) => l.startsWith('error pusher 127.0.0.1:9 on tcp://x:'))).toBe(true);
          break;
        }
      }
    }
    expect(dropped).toBeGreaterThan(500);
  });
});

describe('fuzz: a real TCP station on 127.0.0.1 under bad pushers', () => {
  let sub: Subscription | null = null;
  afterEach(() => sub?.unsubscribe());

  it('200 mutated or random pushers one after another, then a good one: still served', async () => {
    const st = await listenStation({ chunkS: 0.1, stallS: 2 }, 64 * 1024);
    const { chunks, events, port } = st;
    sub = st.sub;
    for (const bytes of cases(2468, 150, 50)) {
      const s = await dial(port);
      s.on('error', () => undefined); // the station may hang up first
      await new Promise<void>((resolve) => s.end(bytes, () => resolve()));
      await closed(s);
    }
    const before = chunks.length;
    const good = toneStream({ freqHz: 440, sampleRate: 16000, frames: 5, startMs: 1.7e12 });
    const s = await dial(port);
    s.write(Buffer.concat([good.header, ...good.frames]));
    await until(() => chunks.length >= before + 5, 10_000, 'the good pusher after 200 bad ones');
    s.destroy();
    expect(events.some((e) => e.type === 'status' && e.state === 'faulted')).toBe(false);
    expect(events.filter((e) => e.type === 'error').length).toBeGreaterThan(50);
  }, 60_000);
});
