// An Orcasound node: <base>/latest.txt names the current folder (a Unix timestamp, the moment
// the node started streaming); <base>/hls/<ts>/live.m3u8 lists its segments. A segment's start
// is the folder time plus the durations of the segments before it, so every chunk gets the
// node's real time rather than our arrival time. Missing or broken segments become recorded
// gaps; a new folder (node restart) is followed.
import type { Observable } from 'rxjs';
import type { PcmChunk, SourceContext } from '../types.ts';
import { decodeBuffer } from './ffmpeg.ts';
import { liveSource, type LiveSession, type LiveSourceOptions } from './live-source.ts';
import { parseMediaPlaylist, type MediaPlaylist } from './m3u8.ts';

export interface OrcasoundOptions {
  /** Node base URL, e.g. https://s3-us-west-2.amazonaws.com/streaming-orcasound-net/rpi_orcasound_lab */
  readonly baseUrl: string;
  /** Playlist poll period, s (default: half the target duration, at least 0.25 s). */
  readonly pollS?: number;
  /** Decode to this rate (default: native). */
  readonly sampleRate?: number;
  /** Segments behind the live edge to start with (default 1: only the newest). */
  readonly startSegments?: number;
  readonly ffmpegPath?: string;
  /** Per-request timeout, s (default 20). */
  readonly fetchTimeoutS?: number;
}

export function parseLatest(text: string, where: string): number {
  const t = text.trim();
  if (!/^\d{9,11}$/.test(t)) throw new Error(`${where}: expected a Unix timestamp, got "${t.slice(0, 40)}"`);
  return Number(t);
}

class HttpError extends Error {
  constructor(readonly status: number, url: string) {
    super(`HTTP ${status} for ${url}`);
  }
}

async function get(url: string, signal: AbortSignal, timeoutS: number): Promise<Response> {
  const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutS * 1000)]), cache: 'no-store' });
  if (!res.ok) {
    await res.body?.cancel();
    throw new HttpError(res.status, url);
  }
  return res;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Start (epoch ms) of every listed segment: folder time + the durations before it. */
export function segmentStarts(folderS: number, pl: MediaPlaylist, known: ReadonlyMap<number, number>): Map<number, number> {
  const starts = new Map<number, number>();
  const first = pl.segments[0];
  if (!first) return starts;
  let t = known.get(first.seq);
  if (t === undefined) {
    // The window slid past segments we never saw: assume they were as long as the listed ones.
    const mean = pl.segments.reduce((s, x) => s + x.durationS, 0) / pl.segments.length;
    t = folderS * 1000 + first.seq * mean * 1000;
  }
  for (const s of pl.segments) {
    starts.set(s.seq, t);
    t += s.durationS * 1000;
  }
  return starts;
}

function run(opts: OrcasoundOptions, session: LiveSession, signal: AbortSignal): void {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeoutS = opts.fetchTimeoutS ?? 20;
  let folder: number | null = null;
  let nextSeq: number | null = null;
  let fromStart = false;
  let known = new Map<number, number>();

  const loop = async (): Promise<void> => {
    for (;;) {
      if (signal.aborted) return;
      const latest = parseLatest(await (await get(`${base}/latest.txt`, signal, timeoutS)).text(), `${base}/latest.txt`);
      if (latest !== folder) {
        // After a restart read the new folder from its first segment: all of it is newer than what we had.
        fromStart = folder !== null;
        if (folder !== null) session.hole(`node restarted: folder ${folder} → ${latest}`);
        folder = latest;
        nextSeq = null;
        known = new Map();
      }
      const plUrl = `${base}/hls/${folder}/live.m3u8`;
      const pl = parseMediaPlaylist(await (await get(plUrl, signal, timeoutS)).text(), plUrl);
      session.connected();
      const starts = segmentStarts(folder, pl, known);
      for (const [k, v] of starts) known.set(k, v);
      // Only the listed window matters for the next poll: keep the map from growing for months.
      for (const k of known.keys()) if (k < (pl.segments[0]?.seq ?? 0)) known.delete(k);
      if (nextSeq === null) {
        const back = fromStart ? pl.segments.length : Math.max(1, opts.startSegments ?? 1);
        nextSeq = pl.segments.length > 0 ? pl.segments[Math.max(0, pl.segments.length - back)].seq : pl.mediaSequence;
      }
      for (const seg of pl.segments) {
        if (seg.seq < nextSeq) continue;
        if (signal.aborted) return;
        nextSeq = seg.seq + 1;
        const segUrl = new URL(seg.uri, plUrl).href;
        const name = `segment ${seg.uri} of folder ${folder}`;
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await (await get(segUrl, signal, timeoutS)).arrayBuffer());
        } catch (e) {
          if (signal.aborted) return;
          session.error(`${name}: ${(e as Error).message}`);
          session.hole(`${name} missing (${(e as Error).message})`);
          continue;
        }
        try {
          const d = await decodeBuffer(bytes, { sampleRate: opts.sampleRate, ffmpegPath: opts.ffmpegPath, signal, name });
          session.audio(d.samples, d.sampleRate, starts.get(seg.seq));
        } catch (e) {
          if (signal.aborted) return;
          if ((e as { code?: string }).code === 'ENOENT') return session.fatal((e as Error).message);
          session.error((e as Error).message);
          session.hole(`${name} broken`);
        }
      }
      if (pl.endList) {
        // A finished folder: wait for latest.txt to move on, without re-reading old segments.
      }
      const pollS = opts.pollS ?? Math.max(0.25, (pl.targetDurationS || 2) / 2);
      await sleep(pollS * 1000, signal);
    }
  };
  loop().then(
    () => undefined,
    (e: Error) => {
      if (!signal.aborted) session.ended(`${base}: ${e.message}`);
    },
  );
}

export function orcasoundSource(ctx: SourceContext, opts: OrcasoundOptions, live?: LiveSourceOptions): Observable<PcmChunk> {
  return liveSource(
    ctx,
    (session) => {
      const ac = new AbortController();
      run(opts, session, ac.signal);
      return () => ac.abort();
    },
    // Segments arrive every few seconds: a stall is several segment lengths without audio.
    { stallS: 60, ...live },
  );
}
