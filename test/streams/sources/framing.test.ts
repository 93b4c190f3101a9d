import { describe, expect, it } from 'vitest';
import { createFrameParser, encodeFrame, encodeHeader, type FramingEvent } from '../../../streams/sources/framing.ts';
import { decodeToMono } from '../../../streams/sources/pcm-format.ts';

function s16(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 2);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => dv.setInt16(i * 2, v, true));
  return b;
}

const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

describe('HYDR framing', () => {
  const stream = cat(
    encodeHeader({ format: 's16le', channels: 2, sampleRate: 16000, startMs: 1_700_000_000_123.5 }),
    encodeFrame(0, s16([1000, 3000, -2000, -4000])),
    encodeFrame(1, s16([5, 7]), 1_700_000_000_200),
  );

  it('round-trips header and frames', () => {
    const ev = createFrameParser().push(stream);
    expect(ev.map((e) => e.kind)).toEqual(['header', 'frame', 'frame']);
    expect(ev[0]).toEqual({ kind: 'header', header: { version: 1, format: 's16le', channels: 2, sampleRate: 16000, startMs: 1_700_000_000_123.5 } });
    const f1 = (ev[2] as Extract<FramingEvent, { kind: 'frame' }>).frame;
    expect(f1.seq).toBe(1);
    expect(f1.timestampMs).toBe(1_700_000_000_200);
    const f0 = (ev[1] as Extract<FramingEvent, { kind: 'frame' }>).frame;
    expect(f0.timestampMs).toBeUndefined();
    // stereo s16 → mono mean
    expect(Array.from(decodeToMono(f0.payload, 's16le', 2))).toEqual([2000 / 32768, -3000 / 32768]);
  });

  it('is incremental: the same events whatever the split, down to single bytes', () => {
    const whole = createFrameParser().push(stream);
    for (const step of [1, 2, 3, 7, 19]) {
      const p = createFrameParser();
      const got: FramingEvent[] = [];
      for (let i = 0; i < stream.length; i += step) got.push(...p.push(stream.slice(i, i + step)));
      expect(got).toEqual(whole);
      expect(p.buffered).toBe(0);
    }
  });

  it('refuses garbage at once, naming what was wrong', () => {
    expect(() => createFrameParser().push(new TextEncoder().encode('GET / HTTP/1.1\r\n'))).toThrow(/bad magic "GET "/);
    expect(() => createFrameParser().push(Uint8Array.of(0, 0xff, 3, 4))).toThrow(/bad magic bytes 00 ff 03 04/);
    const h = encodeHeader({ format: 'f32le', channels: 1, sampleRate: 48000, startMs: null });
    h[4] = 9;
    expect(() => createFrameParser().push(h)).toThrow(/unsupported HYDR version 9/);
    const h2 = encodeHeader({ format: 'f32le', channels: 1, sampleRate: 48000, startMs: null });
    h2[5] = 7;
    expect(() => createFrameParser().push(h2)).toThrow(/unknown sample format code 7/);
  });

  it('is bounded: a 2 GB length field is an error, not a 2 GB buffer', () => {
    const p = createFrameParser({ maxFrameBytes: 1 << 20 });
    p.push(encodeHeader({ format: 's16le', channels: 1, sampleRate: 8000, startMs: null }));
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, 0x80000000, true);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => p.push(len)).toThrow(/frame length 2147483648 bytes exceeds the limit of 1048576 bytes/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
    expect(() => p.push(new Uint8Array(1))).toThrow(/exceeds/); // stays dead
  });

  it('refuses a payload that is not whole samples', () => {
    const p = createFrameParser();
    p.push(encodeHeader({ format: 's24le', channels: 2, sampleRate: 8000, startMs: null }));
    expect(() => p.push(encodeFrame(3, new Uint8Array(7)))).toThrow(/frame 3: payload of 7 bytes is not a whole number of 2-channel s24le samples/);
  });

  it('decodes s24le and f32le', () => {
    const b = Uint8Array.of(0x00, 0x00, 0x40, 0x00, 0x00, 0xc0); // +0.5, -0.5
    expect(Array.from(decodeToMono(b, 's24le', 1))).toEqual([0.5, -0.5]);
    const f = new Uint8Array(Float32Array.of(0.25, -0.75).buffer);
    expect(Array.from(decodeToMono(f, 'f32le', 2))).toEqual([-0.25]);
  });
});
