import { execFileSync } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ffmpegSource } from '../../../streams/sources/ffmpeg.ts';
import { httpSource } from '../../../streams/sources/http.ts';
import type { PcmChunk, SourceEvent } from '../../../streams/types.ts';
import { childrenNamed, serve, toneFreq, until, wait } from './helpers/http-fixture.ts';

const SR = 22050;
/** A 600 Hz tone as a 64 kb/s MP3, like an Icecast mount serves (8000 bytes a second). */
const mp3 = makeMp3(600, 30, SR);
const BPS = 8000;

function makeMp3(freq: number, durS: number, sr: number): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `sine=f=${freq}:d=${durS}:sample_rate=${sr}`, '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', 'pipe:1'], { maxBuffer: 1 << 24 });
}

/**
 * Serves the MP3 like Icecast: a 2 s burst on connect, then real-time pace, for `paceS` seconds
 * (Infinity = until closed). Resolves when done.
 */
function stream(res: ServerResponse, paceS: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'audio/mpeg' });
  let o = 2 * BPS;
  res.write(mp3.subarray(0, o));
  return new Promise((resolve) => {
    let k = 0;
    const t = setInterval(() => {
      if (k >= paceS * 10 || res.destroyed || o >= mp3.length) {
        clearInterval(t);
        return resolve();
      }
      res.write(mp3.subarray(o, o + BPS / 10));
      o += BPS / 10;
      k++;
    }, 100);
    res.on('close', () => clearInterval(t));
  });
}

describe('http stream through ffmpeg (127.0.0.1)', () => {
  let sub: Subscription | null = null;
  afterEach(() => sub?.unsubscribe());

  it('survives a drop, a stall and a 503, counting reconnects; leaves no ffmpeg behind', async () => {
    let conns = 0;
    const server = await serve((req, res) => {
      const n = ++conns;
      if (n === 1) void stream(res, 1).then(() => res.socket?.destroy()); // drops mid-stream
      else if (n === 2) void stream(res, 0); // then stalls, connection open
      else if (n === 3) {
        res.statusCode = 503;
        res.end('down for maintenance');
      } else void stream(res, Infinity);
    });
    const events: SourceEvent[] = [];
    const chunks: PcmChunk[] = [];
    try {
      sub = httpSource({ station: 'ice', report: (e) => events.push(e) }, { url: `${server.url}/stream.mp3` }, {
        stallS: 1.5,
        startupS: 8,
        chunkS: 0.1,
        backoff: { baseMs: 50, maxMs: 200 },
      }).subscribe({ next: (c) => chunks.push(c) });
      await until(() => conns >= 4 && chunks.length > 0 && chunks[chunks.length - 1].t0 > Date.now() - 600 && events.filter((e) => e.type === 'status' && e.state === 'live').length >= 3, 45_000, 'audio from the 4th connection');
      await wait(500);
      expect(childrenNamed('ffmpeg')).toHaveLength(1);
      sub.unsubscribe();
      sub = null;
    } finally {
      await server.close();
    }
    await wait(200);
    expect(childrenNamed('ffmpeg')).toEqual([]);
    expect(conns).toBe(4);
    const states = events.filter((e): e is Extract<SourceEvent, { type: 'status' }> => e.type === 'status');
    expect(states.filter((s) => s.state === 'stalled')).toHaveLength(1);
    expect(states.filter((s) => s.state === 'down').length).toBe(3);
    expect(states.some((s) => s.state === 'down' && /503/.test(s.message ?? ''))).toBe(true);
    // Every reconnection is accounted for: a gap, or (when the Icecast burst had put the stream
    // ahead of the wall clock) a reported clock re-anchor.
    const accounted = events.filter((e) => e.type === 'gap' || e.type === 'clock');

    expect(accounted.length).toBeGreaterThanOrEqual(2);
    // Native rate found, tone intact, seq without holes.
    expect(chunks.every((c) => c.sampleRate === SR)).toBe(true);
    chunks.forEach((c, i) => expect(c.seq).toBe(i));
    const full = chunks.filter((c) => c.samples.length === Math.round(SR / 10));
    expect(full.length).toBeGreaterThan(8);
    // MP3 decoders start each connection with a few ms of priming silence: judge the bulk.
    const onTone = full.filter((c) => Math.abs(toneFreq(c.samples, SR) - 600) < 1);
    expect(onTone.length / full.length).toBeGreaterThan(0.8);
    // Chunk times follow the wall clock.
    for (const c of chunks) expect(Math.abs(c.t0 - Date.now())).toBeLessThan(20_000);
  }, 60_000);

  it('ffmpeg missing: a clear fault naming ffmpeg, no retries', async () => {
    const events: SourceEvent[] = [];
    const err = await new Promise<Error>((resolve) => {
      sub = ffmpegSource({ station: 's', report: (e) => events.push(e) }, { url: 'http://127.0.0.1:9/x', ffmpegPath: '/nonexistent/ffmpeg' }).subscribe({ error: resolve });
    });
    expect(err.message).toMatch(/ffmpeg not found \(could not run "\/nonexistent\/ffmpeg"\)/);
    expect(events.at(-1)).toMatchObject({ type: 'status', state: 'faulted' });
    expect(events.filter((e) => e.type === 'status' && e.state === 'connecting')).toHaveLength(1);
  });
});
