import { describe, expect, it } from 'vitest';
import type { Subscription } from 'rxjs';
import { orcasoundSource, parseLatest, segmentStarts } from '../../../streams/sources/orcasound.ts';
import { parseMediaPlaylist } from '../../../streams/sources/m3u8.ts';
import type { PcmChunk, SourceEvent } from '../../../streams/types.ts';
import { childrenNamed, livePlaylist, makeSegments, serve, toneFreq, until, wait } from './helpers/http-fixture.ts';

describe('orcasound timing', () => {
  it('segment start = folder time + durations before it', () => {
    const pl = parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\na.ts\n#EXTINF:9.5,\nb.ts\n#EXTINF:10,\nc.ts\n');
    const s = segmentStarts(1_700_000_000, pl, new Map());
    expect([...s.values()]).toEqual([1_700_000_000_000, 1_700_000_010_000, 1_700_000_019_500]);
  });
  it('latest.txt must hold a Unix timestamp', () => {
    expect(parseLatest('1700000000\n', 'x')).toBe(1_700_000_000);
    expect(() => parseLatest('<html>oops', 'node/latest.txt')).toThrow(/node\/latest.txt: expected a Unix timestamp/);
  });
});

describe('orcasound source over HTTP (127.0.0.1)', () => {
  it('gives chunks the node times, records 404 and broken segments as gaps, follows a restart', async () => {
    const A = 1_700_000_000;
    const B = 1_700_000_100;
    const segA = makeSegments(1000, 5.5, 1);
    const segB = makeSegments(2000, 2.5, 1);
    expect(segA.length).toBeGreaterThanOrEqual(5);
    let latest = A;
    let requests = 0;
    // The live edge moves on once the listener fetched the newest segment, so the test does not
    // depend on how fast this machine decodes (times come from the playlist, not the pace).
    let fetched = -1;
    const visible = (): number => fetched + 2;
    const server = await serve((req, res) => {
      requests++;
      const url = req.url ?? '';
      if (url === '/node/latest.txt') return res.end(`${latest}\n`);
      const m = /^\/node\/hls\/(\d+)\/(.+)$/.exec(url);
      const segs = m?.[1] === String(A) ? segA : m?.[1] === String(B) ? segB : null;
      if (!m || !segs) {
        res.statusCode = 404;
        return res.end();
      }
      if (m[2] === 'live.m3u8') {
        const n = Math.min(segs.length, visible());
        if (segs === segA && n === segs.length) latest = B; // the node restarts once A is done
        return res.end(livePlaylist(segs, 0, segs === segB ? segs.length : n));
      }
      const seg = segs.find((s) => s.name === m[2]);
      if (segs === segA && seg) fetched = Math.max(fetched, segA.indexOf(seg));
      if (!seg || (segs === segA && m[2] === segA[2].name)) {
        res.statusCode = 404;
        return res.end();
      }
      if (segs === segA && m[2] === segA[3].name) return res.end(Buffer.from('this is not an mpeg-ts segment'));
      res.end(seg.bytes);
    });
    const chunks: PcmChunk[] = [];
    const events: SourceEvent[] = [];
    let sub: Subscription | null = null;
    try {
      sub = orcasoundSource({ station: 'lab', report: (e) => events.push(e) }, { baseUrl: `${server.url}/node`, pollS: 0.1 }).subscribe({
        next: (c) => chunks.push(c),
        error: (e: Error) => events.push({ type: 'error', station: 'lab', at: 0, message: `SOURCE ERROR ${e.message}` }),
      });
      await until(() => chunks.some((c) => c.t0 >= B * 1000 + 1000), 45_000, 'audio from the restarted folder');
    } finally {
      sub?.unsubscribe();
      await server.close();
    }
    // Times: the first chunk is the folder time, seq runs without holes.
    expect(chunks[0].t0).toBe(A * 1000);
    chunks.forEach((c, i) => expect(c.seq).toBe(i));
    expect(chunks.every((c) => c.sampleRate === 48000 && c.station === 'lab')).toBe(true);
    const aChunks = chunks.filter((c) => c.t0 < B * 1000);
    const bChunks = chunks.filter((c) => c.t0 >= B * 1000);
    // Segment 4 starts after 4 segment lengths of folder A.
    const seg4Start = A * 1000 + (segA[0].durationS + segA[1].durationS + segA[2].durationS + segA[3].durationS) * 1000;
    expect(aChunks.some((c) => Math.abs(c.t0 - seg4Start) < 0.01)).toBe(true);
    expect(bChunks[0].t0).toBe(B * 1000);
    // Tones: 1 kHz before the restart, 2 kHz after.
    const mid = (cs: PcmChunk[]) => cs.filter((c) => c.samples.length >= 4800).slice(1, -1);
    for (const c of mid(aChunks)) expect(toneFreq(c.samples, 48000)).toBeCloseTo(1000, -1);
    for (const c of mid(bChunks)) expect(toneFreq(c.samples, 48000)).toBeCloseTo(2000, -1);
    // Gaps: segment 2 (404) and 3 (broken) → one hole of two segment lengths starting at segment 2.
    const gaps = events.filter((e): e is Extract<SourceEvent, { type: 'gap' }> => e.type === 'gap');
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    const seg2Start = A * 1000 + (segA[0].durationS + segA[1].durationS) * 1000;
    expect(gaps[0].start).toBeCloseTo(seg2Start, 1);
    expect(gaps[0].lengthS).toBeCloseTo(segA[2].durationS + segA[3].durationS, 2);
    expect(gaps[0].reason).toMatch(/404/);
    const restart = gaps.find((g) => /node restarted: folder 1700000000 → 1700000100/.test(g.reason));
    // It starts where folder A's audio ended (within the few ms a decoded segment may differ from its #EXTINF).
    expect(Math.abs((restart?.start ?? 0) - (A * 1000 + segA.reduce((n, x) => n + x.durationS, 0) * 1000))).toBeLessThan(50);
    const errors = events.filter((e) => e.type === 'error').map((e) => (e as { message: string }).message);
    expect(errors.some((m) => /HTTP 404/.test(m))).toBe(true);
    expect(errors.some((m) => /not decodable/.test(m))).toBe(true);
    expect(errors.some((m) => /SOURCE ERROR/.test(m))).toBe(false);
    // The restart is recorded (a hole between folders) and the status went live.
    expect(events.some((e) => e.type === 'status' && e.state === 'live')).toBe(true);
    expect(requests).toBeGreaterThan(10);
    // Unsubscribed: no decoder left, no more requests.
    await wait(300);
    expect(childrenNamed('ffmpeg')).toEqual([]);
  }, 60_000);
});
