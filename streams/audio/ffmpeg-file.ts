// Audio files in containers the in-process readers do not decode (MP3, Ogg Vorbis/Opus, M4A/AAC,
// AIFF, CAF, WavPack, …), decoded by a child ffmpeg at the file's own rate and channels. The block
// reader pulls from ffmpeg's stdout only when asked, so the pipe's backpressure pauses ffmpeg and an
// hour-long MP3 replays without being held in memory. read.ts sends WAV and FLAC elsewhere.
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { AudioFormatError } from './errors.ts';
import type { AudioData, AudioStream } from './audio-stream.ts';
import { checkInto, viewsOf } from './read-into.ts';
import { ffmpegBinary, killChild, notFoundMessage } from './ffmpeg-process.ts';

export interface FfmpegFileOptions {
  /** What the first bytes looked like (e.g. "MP3 audio"), put before every error reason. */
  readonly what?: string;
}

export interface ProbedAudio {
  readonly sampleRate: number;
  readonly channels: number;
  /** ffprobe's codec_name, e.g. 'mp3', 'opus', 'pcm_s16be'. */
  readonly codec: string;
  /** As the container declares it (an estimate for MP3); null when absent. */
  readonly durationS: number | null;
}

/** A block reader with the ffmpeg child's pid, so a caller (or a test) can see it is gone after close. */
export interface FfmpegAudioStream extends AudioStream {
  readonly pid: number | undefined;
}

/** $HYDROMON_FFPROBE, else the ffprobe next to the configured ffmpeg (Debian ships them together). */
export function ffprobeBinary(): string {
  const env = process.env.HYDROMON_FFPROBE;
  if (env) return env;
  const ff = ffmpegBinary();
  return basename(ff) === ff ? 'ffprobe' : join(dirname(ff), 'ffprobe');
}

// ffmpeg treats "x:…" as a protocol and "-x" as an option: file: makes any name a plain path.
const fileUrl = (path: string): string => `file:${path}`;

/** ffmpeg's last complaints, one line each, without log addresses or the file name it repeats. */
function complaint(stderr: string, path: string): string {
  const lines: string[] = [];
  for (const raw of stderr.split(/\r?\n/)) {
    let l = raw.trim().replace(/^\[([\w-]+) @ 0x[0-9a-f]+\] /, '$1: ');
    for (const p of [fileUrl(path), path]) if (l.startsWith(`${p}: `)) l = l.slice(p.length + 2);
    if (l && l !== lines[lines.length - 1]) lines.push(l.length > 200 ? `${l.slice(0, 200)}…` : l);
  }
  return lines.slice(-3).join(' | ');
}

const failure = (path: string, what: string | undefined, reason: string): AudioFormatError =>
  new AudioFormatError(path, what ? `${what}; ${reason}` : reason);

/** Sample rate, channels and codec of the first audio stream. Throws AudioFormatError. */
export function probeAudio(path: string, opts: FfmpegFileOptions = {}): Promise<ProbedAudio> {
  const bin = ffprobeBinary();
  const args = ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=sample_rate,channels,codec_name,duration', '-of', 'json', fileUrl(path)];
  const fail = (reason: string): AudioFormatError => failure(path, opts.what, reason);
  return new Promise((resolve, reject) => {
    execFile(bin, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        if (err.code === 'ENOENT' || err.code === 'EACCES') return reject(fail(notFoundMessage(bin, 'ffprobe (part of ffmpeg)', 'HYDROMON_FFPROBE')));
        const how = err.killed ? 'timed out' : `exit ${String(err.code ?? err.signal)}`;
        return reject(fail(`ffmpeg cannot read it (ffprobe ${how}): ${complaint(stderr, path) || 'no reason given'}`));
      }
      let s: Record<string, unknown> | undefined;
      try {
        const j = JSON.parse(stdout) as { streams?: Record<string, unknown>[] };
        s = j.streams?.[0];
      } catch {
        return reject(fail(`ffprobe printed no JSON: ${stdout.slice(0, 100)}`));
      }
      if (!s) return reject(fail('no audio stream (ffprobe found none)'));
      const sampleRate = Number(s.sample_rate);
      const channels = Number(s.channels);
      const codec = typeof s.codec_name === 'string' ? s.codec_name : 'unknown';
      if (!(Number.isInteger(sampleRate) && sampleRate > 0 && Number.isInteger(channels) && channels > 0)) {
        return reject(fail(`${codec} audio stream with no usable sample rate/channels (${String(s.sample_rate)} Hz, ${String(s.channels)} ch)`));
      }
      const d = Number(s.duration);
      resolve({ sampleRate, channels, codec, durationS: s.duration !== undefined && Number.isFinite(d) ? d : null });
    });
  });
}

/** Open a file for block-wise decoding through ffmpeg. Throws AudioFormatError. */
export async function openFfmpegStream(path: string, opts: FfmpegFileOptions = {}): Promise<FfmpegAudioStream> {
  const p = await probeAudio(path, opts);
  const fail = (reason: string): AudioFormatError => failure(path, opts.what, reason);
  const bin = ffmpegBinary();
  // -ar/-ac pin the output to what ffprobe said, so a decoder that changes layout mid-file (chained
  // Ogg, HE-AAC) cannot desynchronise the deinterleaving.
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-i', fileUrl(path), '-map', '0:a:0',
    '-f', 'f32le', '-acodec', 'pcm_f32le', '-ar', String(p.sampleRate), '-ac', String(p.channels), 'pipe:1'];
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => { stderr = (stderr + t).slice(-8000); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(fail(e.code === 'ENOENT' || e.code === 'EACCES' ? notFoundMessage(bin) : `ffmpeg failed to start: ${e.message}`)));
  });
  child.on('error', () => {}); // after spawn only kill() can fail, and close() ignores that

  const ch = p.channels;
  const frameBytes = 4 * ch;
  const chunks = child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  let eof = false;
  let closed = false;
  let nonFinite = 0;
  const notes: string[] = [];
  let scratch = new Float32Array(0);

  const fill = async (bytes: number): Promise<void> => {
    while (pendingBytes < bytes && !eof) {
      let r: IteratorResult<Buffer>;
      try {
        r = await chunks.next();
      } catch (e) {
        throw fail(`reading ffmpeg's output failed: ${(e as Error).message}`);
      }
      if (r.done) eof = true;
      else { pending.push(r.value); pendingBytes += r.value.length; }
    }
  };
  /** Move `bytes` from the pending chunks into scratch (4-byte aligned, unlike Buffers). */
  const take = (bytes: number): Float32Array => {
    if (scratch.length * 4 < bytes) scratch = new Float32Array(bytes / 4);
    const dst = new Uint8Array(scratch.buffer, 0, bytes);
    let at = 0;
    while (at < bytes) {
      const b = pending[0];
      const n = Math.min(b.length, bytes - at);
      dst.set(b.subarray(0, n), at);
      at += n;
      if (n === b.length) pending.shift();
      else pending[0] = b.subarray(n);
    }
    pendingBytes -= bytes;
    return scratch;
  };
  /** At the end of the output: ffmpeg's exit decides whether the end was the file's end. */
  const finish = async (): Promise<null> => {
    const { code, signal } = await exited;
    const said = complaint(stderr, path);
    if (code !== 0) throw fail(`ffmpeg failed (${signal ?? `exit ${code}`}): ${said || 'no reason given'}`);
    // ffmpeg skips undecodable packets and goes on; say so once, for the archive's report.
    if (said && notes.length === 0) notes.push(`ffmpeg skipped data it could not decode: ${said}`);
    return null;
  };

  return {
    path, sampleRate: p.sampleRate, channelCount: ch, bitsPerSample: 32, format: `ffmpeg/${p.codec}`,
    frames: null, // only an estimate is known before decoding (MP3 durations come from the bitrate)
    pid: child.pid,
    get nonFinite() { return nonFinite; },
    concealed: 0,
    notes,
    async read(maxFrames: number, into?: readonly Float32Array[]): Promise<Float32Array[] | null> {
      if (closed) throw new Error(`${path}: read after close`);
      const want = Math.max(0, Math.floor(maxFrames));
      if (want === 0) return null;
      await fill(want * frameBytes);
      const n = Math.min(want, Math.floor(pendingBytes / frameBytes));
      if (n === 0) return finish();
      if (into) checkInto(into, ch, n, path);
      const src = take(n * frameBytes);
      const out = into ? viewsOf(into, ch, n) : Array.from({ length: ch }, () => new Float32Array(n));
      for (let c = 0; c < ch; c++) {
        const dst = out[c];
        for (let i = 0, k = c; i < n; i++, k += ch) {
          const v = src[k];
          if (v - v === 0) dst[i] = v; // finite (NaN and ±Inf give NaN)
          else { dst[i] = 0; nonFinite++; }
        }
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      killChild(child);
      await exited;
    },
  };
}

/** Decode a whole file through ffmpeg. Throws AudioFormatError, also when nothing decodes. */
export async function readFfmpegFile(path: string, opts: FfmpegFileOptions = {}): Promise<AudioData> {
  const s = await openFfmpegStream(path, opts);
  const blocks: Float32Array[][] = [];
  let frames = 0;
  try {
    for (;;) {
      const b = await s.read(1 << 16);
      if (!b) break;
      blocks.push(b);
      frames += b[0].length;
    }
  } finally {
    await s.close();
  }
  if (frames === 0) throw failure(path, opts.what, `ffmpeg decoded no audio from the ${s.format.slice(7)} stream (0 samples)`);
  const channels = Array.from({ length: s.channelCount }, (_, c) => {
    const out = new Float32Array(frames);
    let at = 0;
    for (const b of blocks) { out.set(b[c], at); at += b[c].length; }
    return out;
  });
  return {
    sampleRate: s.sampleRate, channels, format: s.format, durationS: frames / s.sampleRate,
    frames, bitsPerSample: 32, nonFinite: s.nonFinite,
  };
}
