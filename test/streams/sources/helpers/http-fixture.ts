// Small HTTP servers on 127.0.0.1 for source tests, and HLS segments made by ffmpeg from a tone.
import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMediaPlaylist } from '../../../../streams/sources/m3u8.ts';

export interface TestServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface Segment {
  readonly name: string;
  readonly durationS: number;
  readonly bytes: Buffer;
}

/** A tone cut into AAC/MPEG-TS HLS segments by ffmpeg. */
export function makeSegments(freqHz: number, durS: number, segS = 1, sampleRate = 48000): Segment[] {
  const dir = mkdtempSync(join(tmpdir(), 'hydro-hls-'));
  try {
    execFileSync('ffmpeg', [
      '-v', 'error', '-f', 'lavfi', '-i', `sine=f=${freqHz}:d=${durS}:sample_rate=${sampleRate}`,
      '-c:a', 'aac', '-f', 'hls', '-hls_time', String(segS), '-hls_list_size', '0',
      '-hls_segment_filename', join(dir, 'seg%03d.ts'), join(dir, 'list.m3u8'),
    ]);
    const pl = parseMediaPlaylist(readFileSync(join(dir, 'list.m3u8'), 'utf8'));
    // Drop the tiny tail segment ffmpeg leaves, so every segment is a full one.
    return pl.segments
      .filter((s) => s.durationS > segS / 2)
      .map((s) => ({ name: s.uri, durationS: s.durationS, bytes: readFileSync(join(dir, s.uri)) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A live (no ENDLIST) playlist listing segments [from, to). */
export function livePlaylist(segs: readonly Segment[], from: number, to: number, prefix = ''): string {
  const target = Math.ceil(Math.max(...segs.map((s) => s.durationS)));
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${target}`, `#EXT-X-MEDIA-SEQUENCE:${from}`];
  for (let i = from; i < to; i++) lines.push(`#EXTINF:${segs[i].durationS.toFixed(6)},`, `${prefix}${segs[i].name}`);
  return lines.join('\n') + '\n';
}

/** Frequency of a pure tone from the spacing of its rising zero crossings (interpolated). */
export function toneFreq(x: Float32Array, sampleRate: number): number {
  let first = -1;
  let last = -1;
  let n = 0;
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const at = i - 1 + -x[i - 1] / (x[i] - x[i - 1]);
      if (first < 0) first = at;
      last = at;
      n++;
    }
  }
  return n < 2 ? 0 : ((n - 1) * sampleRate) / (last - first);
}

/** Child processes of this process with the given command name. */
export function childrenNamed(name: string): number[] {
  try {
    return execSync(`ps -o pid=,comm= --ppid ${process.pid}`, { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((p) => p[1] === name)
      .map((p) => Number(p[0]));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

export const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await wait(20);
  }
}
