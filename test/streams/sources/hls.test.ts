import type { Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { hlsSource } from '../../../streams/sources/hls.ts';
import type { PcmChunk, SourceEvent } from '../../../streams/types.ts';
import { childrenNamed, livePlaylist, makeSegments, serve, toneFreq, until, wait } from './helpers/http-fixture.ts';

describe('hls source through ffmpeg (127.0.0.1)', () => {
  it('follows a live playlist: native rate, the tone, wall-clock times; unsubscribing kills ffmpeg', async () => {
    const segs = makeSegments(1000, 12.5, 1);
    const start = Date.now();
    // A live window of 3 segments that moves on one segment per second, like a real encoder.
    const server = await serve((req, res) => {
      const url = req.url ?? '';
      const edge = Math.min(segs.length, 3 + Math.floor((Date.now() - start) / 1000));
      if (url === '/live/stream.m3u8') {
        res.setHeader('content-type', 'application/vnd.apple.mpegurl');
        return res.end(livePlaylist(segs, Math.max(0, edge - 3), edge));
      }
      const seg = segs.find((s) => `/live/${s.name}` === url);
      if (!seg) {
        res.statusCode = 404;
        return res.end();
      }
      res.end(seg.bytes);
    });
    const chunks: PcmChunk[] = [];
    const events: SourceEvent[] = [];
    let sub: Subscription | null = null;
    try {
      sub = hlsSource({ station: 'hls', report: (e) => events.push(e) }, { url: `${server.url}/live/stream.m3u8` }, { chunkS: 0.2 }).subscribe({
        next: (c) => chunks.push(c),
      });
      await until(() => chunks.length >= 10, 20_000, '2 s of HLS audio');
      const [pid] = childrenNamed('ffmpeg');
      expect(pid).toBeGreaterThan(0);
      // ffmpeg dies mid-stream: reported, reconnected, audio resumes from a new ffmpeg.
      process.kill(pid, 'SIGKILL');
      const n = chunks.length;
      await until(() => chunks.length >= n + 5 && events.filter((e) => e.type === 'status' && e.state === 'live').length >= 2, 20_000, 'audio after ffmpeg was killed');
      const now = childrenNamed('ffmpeg');
      expect(now).toHaveLength(1);
      expect(now[0]).not.toBe(pid);
      expect(events.some((e) => e.type === 'status' && e.state === 'down' && /ffmpeg exited \(SIGKILL\)/.test(e.message ?? ''))).toBe(true);
      // the hole is accounted for: a gap, or a reported re-anchor when the new ffmpeg's first burst overlaps
      expect(events.some((e) => e.type === 'gap' || e.type === 'clock')).toBe(true);
    } finally {
      sub?.unsubscribe();
      await server.close();
    }
    await wait(200);
    expect(childrenNamed('ffmpeg')).toEqual([]);
    expect(events.some((e) => e.type === 'status' && e.state === 'live')).toBe(true);
    expect(chunks.every((c) => c.sampleRate === 48000 && c.station === 'hls')).toBe(true);
    chunks.forEach((c, i) => expect(c.seq).toBe(i));
    const full = chunks.filter((c) => c.samples.length === 9600).slice(1);
    expect(full.length).toBeGreaterThan(5);
    const onTone = full.filter((c) => Math.abs(toneFreq(c.samples, 48000) - 1000) < 2);
    expect(onTone.length / full.length).toBeGreaterThan(0.8);
    // Wall-clock times: continuous by sample count (to well within a sample: epoch milliseconds
    // in float64 step by 0.24 µs, and block sums round — a CI run saw 199.9976), and near now.
    for (let i = 1; i < 10; i++) {
      if (chunks[i - 1].samples.length === 9600) expect(Math.abs(chunks[i].t0 - chunks[i - 1].t0 - 200)).toBeLessThan(1000 / 48000 / 2);
    }
    expect(Math.abs(chunks[0].t0 - Date.now())).toBeLessThan(30_000);
  }, 60_000);

  it('a playlist that 404s: down with the HTTP status named, retried', async () => {
    let hits = 0;
    const server = await serve((_req, res) => {
      hits++;
      res.statusCode = 404;
      res.end('no such stream');
    });
    const events: SourceEvent[] = [];
    const sub = hlsSource({ station: 'hls', report: (e) => events.push(e) }, { url: `${server.url}/gone.m3u8` }, { backoff: { baseMs: 50, maxMs: 100 } }).subscribe();
    try {
      await until(() => events.filter((e) => e.type === 'status' && e.state === 'down').length >= 2, 20_000, 'two failed attempts');
    } finally {
      sub.unsubscribe();
      await server.close();
    }
    const down = events.find((e) => e.type === 'status' && e.state === 'down');
    expect(down?.type === 'status' && down.message).toMatch(/404/);
    expect(hits).toBeGreaterThanOrEqual(2);
    await wait(200);
    expect(childrenNamed('ffmpeg')).toEqual([]);
  }, 30_000);
});
