// Decode any stream ffmpeg can open (HLS, HTTP/Icecast, files) to mono float32 on stdout.
// Debian's ffmpeg is a system program, not an npm package: when it is missing the source faults
// with a message naming it instead of retrying forever.
import { spawn } from 'node:child_process';
import type { Observable } from 'rxjs';
import type { PcmChunk, SourceContext } from '../types.ts';
import { liveSource, type Connect, type LiveSourceOptions } from './live-source.ts';
import { f32leToFloat32 } from './pcm-format.ts';
import { ffmpegBinary, killChild, notFoundMessage } from '../audio/ffmpeg-process.ts';

export interface FfmpegInput {
  /** URL or path ffmpeg reads (`-i`). */
  readonly url: string;
  /** Output rate; omitted = the stream's native rate (read from ffmpeg's output description). */
  readonly sampleRate?: number;
  /** Options placed before `-i` (protocol/demuxer options). */
  readonly inputArgs?: readonly string[];
  /** ffmpeg executable (default `ffmpeg`, or $HYDROMON_FFMPEG). */
  readonly ffmpegPath?: string;
}

/** ffmpeg's arguments for decoding `input` to mono f32le on stdout. */
export function ffmpegArgs(input: FfmpegInput): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-v', 'info',
    ...(input.inputArgs ?? []),
    '-i', input.url,
    '-vn', '-f', 'f32le', '-ac', '1',
    ...(input.sampleRate ? ['-ar', String(input.sampleRate)] : []),
    'pipe:1',
  ];
}

/** The sample rate ffmpeg announced for its output, from a line of its stderr. */
export function parseOutputRate(line: string, inOutput: boolean): number | null {
  if (!inOutput) return null;
  const m = /Stream #\d+:\d+.*Audio: pcm_f32le.*?, (\d+) Hz/.exec(line);
  return m ? Number(m[1]) : null;
}

/** One ffmpeg process per connection; it exiting is a drop, like a closed socket. */
export function ffmpegConnect(input: FfmpegInput): Connect {
  return (session) => {
    const bin = ffmpegBinary(input.ffmpegPath);
    const child = spawn(bin, ffmpegArgs(input), { stdio: ['ignore', 'pipe', 'pipe'] });
    let rate = input.sampleRate ?? 0;
    let inOutput = false;
    let stderrTail: string[] = [];
    let partialLine = '';
    let carry = new Uint8Array(0);
    const waiting: Uint8Array[] = [];
    let waitingBytes = 0;

    const deliver = (bytes: Uint8Array): void => {
      let buf = bytes;
      if (carry.length > 0) {
        buf = new Uint8Array(carry.length + bytes.length);
        buf.set(carry);
        buf.set(bytes, carry.length);
      }
      const whole = buf.length - (buf.length % 4);
      carry = buf.slice(whole);
      if (whole > 0) session.audio(f32leToFloat32(buf.subarray(0, whole)), rate);
    };

    child.on('spawn', () => session.connected());
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'EACCES') session.fatal(notFoundMessage(bin));
      else session.ended(`ffmpeg failed: ${err.message}`);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      const lines = (partialLine + text).split(/\r?\n/);
      partialLine = lines.pop() ?? '';
      for (const line of lines) {
        if (/^Output #0/.test(line)) inOutput = true;
        const r = rate === 0 ? parseOutputRate(line, inOutput) : null;
        if (r) {
          rate = r;
          for (const b of waiting.splice(0)) deliver(b);
        }
        if (/error|fail|invalid|not found|refused|denied|timed out|\b[45]\d\d\b/i.test(line)) {
          stderrTail.push(line.trim());
          if (stderrTail.length > 5) stderrTail = stderrTail.slice(-5);
        }
      }
    });
    child.stdout.on('data', (b: Buffer) => {
      const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      if (rate !== 0) return deliver(bytes);
      waiting.push(bytes.slice());
      waitingBytes += bytes.length;
      // Bounded: if ffmpeg never names its output rate, give up rather than buffer forever.
      if (waitingBytes > 8 << 20) session.ended(`ffmpeg output rate not found in its log for ${input.url}; set a sample rate`);
    });
    child.on('close', (code, signal) => {
      const why = stderrTail.length > 0 ? `: ${stderrTail.join(' | ')}` : '';
      session.ended(`ffmpeg exited (${signal ?? `code ${code}`}) reading ${input.url}${why}`);
    });
    return () => killChild(child);
  };
}

export function ffmpegSource(ctx: SourceContext, input: FfmpegInput, opts?: LiveSourceOptions): Observable<PcmChunk> {
  return liveSource(ctx, ffmpegConnect(input), opts);
}

export interface Decoded {
  readonly samples: Float32Array;
  readonly sampleRate: number;
}

/**
 * Decode one in-memory file (an HLS .ts segment) through ffmpeg stdin → stdout. Rejects with
 * ffmpeg's own complaint when the bytes are not audio; `signal` kills the process.
 */
export function decodeBuffer(bytes: Uint8Array, opts: { sampleRate?: number; ffmpegPath?: string; signal?: AbortSignal; name?: string } = {}): Promise<Decoded> {
  return new Promise((resolve, reject) => {
    const bin = ffmpegBinary(opts.ffmpegPath);
    const args = ffmpegArgs({ url: 'pipe:0', sampleRate: opts.sampleRate });
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let settled = false;
    const onAbort = (): void => {
      killChild(child);
      done(() => reject(new Error('aborted')));
    };
    const done = (f: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) =>
      done(() => reject(e.code === 'ENOENT' || e.code === 'EACCES' ? Object.assign(new Error(notFoundMessage(bin)), { code: 'ENOENT' }) : e)),
    );
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (t: string) => {
      if (err.length < 20_000) err += t;
    });
    child.stdin.on('error', () => {}); // EPIPE when ffmpeg rejects the input early; the exit code tells
    child.stdin.end(bytes);
    child.on('close', (code) => {
      const all = Buffer.concat(out);
      let rate = opts.sampleRate ?? 0;
      if (!rate) {
        let inOutput = false;
        for (const line of err.split(/\r?\n/)) {
          if (/^Output #0/.test(line)) inOutput = true;
          rate = parseOutputRate(line, inOutput) ?? rate;
        }
      }
      const complaint = err.split(/\r?\n/).filter((l) => /error|invalid|fail/i.test(l)).slice(-3).join(' | ');
      if (code !== 0 || all.length < 4 || !rate) {
        done(() => reject(new Error(`${opts.name ?? 'segment'} is not decodable audio (ffmpeg exit ${code}${complaint ? `: ${complaint}` : ''})`)));
      } else {
        done(() => resolve({ samples: f32leToFloat32(new Uint8Array(all.buffer, all.byteOffset, all.byteLength)), sampleRate: rate }));
      }
    });
  });
}
