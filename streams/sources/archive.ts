// Archived recordings (WAV/FLAC, or any audio ffmpeg reads) replayed as a live station: the
// replay is the project's regression harness, so the same archive always yields the same chunks
// (t0, seq, samples).
//
// Time: each file starts at the time in its name; a file without one follows the previous file
// contiguously, and the first such file starts at `startTime` (config) or else its mtime. Chunk t0
// is file start + frames read × 1000 / sampleRate — computed from sample counts, never accumulated.
// A later file that starts after a gap keeps seq running but jumps t0 (reported as a 'gap'); one
// that starts before the previous ended is reported as a 'clock' event and keeps its own stamp.
//
// Empty folder: a paced replay (speed 1 or N, a station imitating live input) whose folder has no
// audio files yet reports 'waiting' and polls the folder every `waitPollS` until files appear
// (archive-wait.ts); an unpaced replay (speed 'max', a batch job) fails at once instead. A path that
// does not exist is an error either way.
//
// Behind: a paced replay reports, with status 'live' events, `behindS` — the audio seconds it
// trails its schedule when the pipeline cannot keep up (archive-behind.ts); 0 while it keeps up.
//
// Loop: after the last file the archive starts again, shifted so that its first file begins where
// the last one ended: t0 keeps increasing, seq keeps counting. The folder is listed once, at
// subscription: files added later play on the next subscription, not the next pass.
//
// Bad files: a file that cannot be decoded at all is reported (type 'error', naming it) and
// skipped. A file cut short plays what it holds, and corrupt FLAC frames become silence of their
// length; both are reported, so nothing is dropped silently and time stays exact.
//
// Backpressure: the source pulls. It reads the next block only after the previous chunk's
// subscriber.next() returned (and, when paced, after the pace wait). Synchronous downstream work
// therefore throttles reading, and at most one block per file is in memory; a consumer that hands
// chunks to an asynchronous queue passes `gate` to hold reading until its queue has room. Do not put pace() after this
// source: pass `speed` here instead (pace() would have to buffer what it is pushed).
//
// Recycle: with `recycle`, every block is decoded into the same buffers (marked in
// audio/recycled.ts) instead of fresh ones: a replay at speed 'max' spent more on new memory and
// its collection than on decoding. A chunk's samples are then valid only until the next block is
// read, which backpressure puts after the block's last next() has returned; a consumer keeps them
// longer only by copying (stationPipeline's run buffer copies recycled samples, the clip ring copies
// every chunk). Not with `gate`, whose queue holds chunks past next().
//
// FLAC at speed 'max': FLAC files are decoded in a worker thread a few blocks ahead of the reads
// (audio/flac-worker-stream.ts, same samples and errors), so decoding uses a second core while this
// thread analyses; FLAC decoding costs about as much as the rest of the replay. The replay keeps
// one worker for all its FLAC files (started at the first, ended with the replay), so the thread's
// start (~0.13 s) is paid once: whether to use it is judged on the FLAC bytes of the whole replay,
// and short files (the 5-minute files many networks archive) get the second core too. A worker
// that dies fails its file (reported, skipped like a corrupt one) and the next file starts a fresh
// one. Paced replays keep decoding in-process: they need a sliver of a core, and a thread per paced
// station (hundreds of them) would cost far more than it saves.
import { Observable } from 'rxjs';
import type { PcmChunk, SourceContext, SourceEvent, SourceState } from '../types.ts';
import { stat } from 'node:fs/promises';
import { openAudioStream } from '../audio/read.ts';
import { createFlacWorker, FlacWorkerError, type FlacWorker } from '../audio/flac-worker-stream.ts';
import { AudioFormatError } from '../audio/errors.ts';
import { downmix } from '../audio/downmix.ts';
import { markRecycled } from '../audio/recycled.ts';
import { Pcm16Block } from '../audio/pcm16-block.ts';
import type { AudioStream } from '../audio/audio-stream.ts';
import { listArchive, type ArchiveFile } from '../audio/archive-files.ts';
import { PaceClock, validateSpeed, type ReplaySpeed } from '../operators/pace.ts';
import { BehindMeter } from './archive-behind.ts';
import { waitForFiles } from './archive-wait.ts';

export interface ArchiveSourceOptions {
  readonly station: string;
  /** A file (played whatever its extension) or a folder (its audio files, not subfolders). */
  readonly path: string;
  /** 1 = real time, N = N× faster, 'max' = as fast as the consumer takes the chunks. */
  readonly speed: ReplaySpeed;
  readonly loop?: boolean;
  /** Chunk duration in seconds (default 0.1 when paced up to 10×, 0.5 faster, 5 at 'max'); the last chunk of a file may be shorter. */
  readonly chunkS?: number;
  /** Which channel to keep, or 'mix' (default) to average all channels. */
  readonly channel?: number | 'mix';
  /** Epoch ms for files whose names carry no time. */
  readonly startTime?: number;
  readonly report?: SourceContext['report'];
  /**
   * Real backpressure for asynchronous consumers: awaited before each block is read, so a
   * consumer with a queue (e.g. worker-thread classification) can hold the replay until it has
   * room: `gate: () => queue.waitForRoom()`. Without it, see the note on backpressure above.
   */
  readonly gate?: () => Promise<void> | void;
  /**
   * Seconds between listings of a folder that has no audio files yet, or false to make an empty
   * folder an error. Default 5 for paced replays, false at speed 'max'.
   */
  readonly waitPollS?: number | false;
  /** Wall clock for pacing and report times (injectable for tests). */
  readonly now?: () => number;
  /**
   * Decode every block into the same memory (see the note on recycling above): for consumers that
   * copy whatever they keep past next(), such as stationPipeline. Default false. Not with `gate`.
   */
  readonly recycle?: boolean;
  /**
   * When the replay's FLAC files (by extension) hold at least this many bytes together, they all
   * decode in one worker thread (see the note above); false: never. Default FLAC_WORKER_MIN_BYTES
   * at speed 'max', false when paced.
   */
  readonly flacWorkerMinBytes?: number | false;
}

const GAP_TOLERANCE_MS = 1;
/** A worker takes ~0.13 s to start; below this much FLAC the replay is too short to win it back. */
const FLAC_WORKER_MIN_BYTES = 16 * 1024 * 1024;

/** Bytes of the files named .flac (content decides the reader; this only sizes the replay). */
async function flacBytes(files: readonly ArchiveFile[]): Promise<number> {
  const sizes = await Promise.all(files.filter((f) => /\.flac$/i.test(f.path)).map((f) => stat(f.path).then((st) => st.size, () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Replay an archive as a station's chunks. Fatal (error): unreadable path, no playable file. */
export function archiveSource(opts: ArchiveSourceOptions): Observable<PcmChunk> {
  validateSpeed(opts.speed);
  // Paced replay imitates a live source: 0.1 s chunks (a window is complete only when the chunk
  // after its end arrives, so the chunk length is the floor of detection latency); fast replay
  // (> 10×) 0.5 s; as fast as possible 5 s, which costs 6× less per second of audio and gives the
  // model bigger batches. Window positions come from sample counts: chunking never changes a
  // detection. The file is read in blocks of at least 2 s whatever the chunk size.
  const chunkS = opts.chunkS ?? (opts.speed === 'max' ? 5 : opts.speed > 10 ? 0.5 : 0.1);
  if (!(chunkS > 0 && Number.isFinite(chunkS))) throw new RangeError(`archive chunkS must be > 0, got ${chunkS}`);
  const channel = opts.channel ?? 'mix';
  if (channel !== 'mix' && !(Number.isInteger(channel) && channel >= 0)) {
    throw new RangeError(`archive channel must be a channel index ≥ 0 or 'mix', got ${String(channel)}`);
  }
  const { station } = opts;
  const now = opts.now ?? Date.now;
  const waitPollS = opts.waitPollS ?? (opts.speed === 'max' ? false : 5);
  if (waitPollS !== false && !(waitPollS > 0 && Number.isFinite(waitPollS))) {
    throw new RangeError(`archive waitPollS must be > 0 or false, got ${String(waitPollS)}`);
  }
  const paced = opts.speed !== 'max';
  const workerMinBytes = opts.flacWorkerMinBytes ?? (paced ? false : FLAC_WORKER_MIN_BYTES);
  const recycle = opts.recycle === true;
  if (recycle && opts.gate) throw new RangeError('archive: recycle and gate exclude each other (a gated consumer queues chunks past next())');

  return new Observable<PcmChunk>((subscriber) => {
    let stopped = false;
    let sleepTimer: ReturnType<typeof setTimeout> | null = null;
    let wake: (() => void) | null = null;
    // Resolves on unsubscribe, so a gate that never opens cannot keep a file open forever.
    let onStop: () => void = () => {};
    const stoppedP = new Promise<void>((resolve) => { onStop = resolve; });

    const report = (e: SourceEvent): void => {
      try {
        opts.report?.(e);
      } catch {
        // A broken reporter must not stop the replay.
      }
    };
    const status = (state: SourceState, message?: string, behindS?: number): void =>
      report({ type: 'status', station, state, at: now(), ...(message !== undefined ? { message } : {}), ...(behindS !== undefined ? { behindS } : {}) });
    // Behind is reported when it changes by a tenth of a second or more (or returns to 0).
    let toldBehind = 0;
    const tellBehind = (behindS: number): void => {
      if (behindS === toldBehind || (behindS !== 0 && Math.abs(behindS - toldBehind) < 0.1)) return;
      toldBehind = behindS;
      status('live', undefined, behindS);
    };
    const fileError = (file: string, message: string): void =>
      report({ type: 'error', station, at: now(), message: message.startsWith(file) ? message : `${file}: ${message}` });
    // The recycled read buffers of this subscription (one per channel, and the mix), grown as needed.
    const pool: Float32Array[] = [];
    let mixBuf: Float32Array | null = null;
    const recycled = (n: number): Float32Array => {
      const a = new Float32Array(n);
      markRecycled(a);
      return a;
    };
    const readInto = (channels: number, frames: number): Float32Array[] => {
      for (let c = 0; c < channels; c++) if (!pool[c] || pool[c].length < frames) pool[c] = recycled(frames);
      return pool;
    };
    // Mono 16-bit WAV decodes in WebAssembly memory of its own (pcm16-block.ts): one block per
    // subscription, like the pool above. Null where SIMD is unavailable (then the pool is used).
    let pcm: Pcm16Block | null | undefined;
    const pcmBlock = (frames: number): Pcm16Block | null => {
      if (pcm === undefined || (pcm !== null && pcm.frames < frames)) pcm = Pcm16Block.create(frames);
      return pcm;
    };
    const mixInto = (frames: number): Float32Array => {
      if (!mixBuf || mixBuf.length < frames) mixBuf = recycled(frames);
      return mixBuf;
    };
    const sleep = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        wake = resolve;
        sleepTimer = setTimeout(() => { sleepTimer = null; wake = null; resolve(); }, ms);
      });

    async function playFile(
      f: ArchiveFile, fileT0: number, st: { seq: number; pace: PaceClock; behind: BehindMeter | null }, onOpen: () => void,
    ): Promise<{ frames: number; sampleRate: number } | null> {
      let s: AudioStream;
      try {
        // A corrupt FLAC frame becomes silence of its length, and a file cut short (a recorder
        // that stopped mid-write) plays what it holds; both are reported below. Time stays exact.
        s = await openAudioStream(f.path, { conceal: true, allowTruncated: true, ...(flacWorker ? { flacWorker } : {}) });
      } catch (e) {
        fileError(f.path, (e as Error).message);
        return null;
      }
      let frames = 0;
      try {
        if (channel !== 'mix' && channel >= s.channelCount) {
          fileError(f.path, `channel ${channel} requested but the file has ${s.channelCount}`);
          return null;
        }
        onOpen();
        const sr = s.sampleRate;
        const block = Math.max(1, Math.round(chunkS * sr));
        // With a gate the consumer decides each read, so reads stay one chunk long.
        const readFrames = opts.gate ? block : Math.max(block, Math.round(2 * sr));
        while (!stopped) {
          if (opts.gate) {
            await Promise.race([opts.gate(), stoppedP]);
            if (stopped) break;
          }
          let data: Float32Array[] | null;
          try {
            const block = recycle && s.readPcm16 ? pcmBlock(readFrames) : null;
            data = block && s.readPcm16 ? await s.readPcm16(readFrames, block) : await s.read(readFrames, recycle ? readInto(s.channelCount, readFrames) : undefined);
          } catch (e) {
            // Corrupt audio mid-file (or its decoder worker died): keep what played, report, go on
            // with the next file.
            if (!(e instanceof AudioFormatError || e instanceof FlacWorkerError)) throw e;
            fileError(f.path, `${e.reason} (after ${(frames / sr).toFixed(3)} s; rest of file skipped)`);
            break;
          }
          if (!data || stopped) break;
          const all = channel === 'mix' ? downmix(data, recycle && data.length > 1 ? mixInto(readFrames) : undefined) : data[channel];
          for (let o = 0; o < all.length && !stopped; o += block) {
            const samples = all.subarray(o, Math.min(all.length, o + block));
            // Read first, then hold: the schedule advances by what was actually read.
            const wait = st.pace.wait(samples.length / sr);
            if (wait > 0) await sleep(wait);
            if (stopped) break;
            if (st.behind) tellBehind(st.behind.next(samples.length / sr));
            subscriber.next({
              station, sampleRate: sr, samples, t0: fileT0 + (frames * 1000) / sr, seq: st.seq++,
              origin: { file: f.path, offsetS: frames / sr },
            });
            frames += samples.length;
          }
        }
        if (frames === 0 && !stopped) fileError(f.path, 'no audio in the file (0 frames)');
        for (const note of s.notes) fileError(f.path, note);
        if (s.concealed > 0) fileError(f.path, `${s.concealed} samples (${(s.concealed / sr).toFixed(3)} s) in corrupt frames replaced by silence`);
        if (s.nonFinite > 0) fileError(f.path, `${s.nonFinite} NaN/Inf samples replaced by 0`);
        return { frames, sampleRate: sr };
      } finally {
        await s.close();
      }
    }

    // The replay's FLAC decoder worker (see the note above), or null: decoding stays in-process.
    let flacWorker: FlacWorker | null = null;

    async function run(): Promise<void> {
      let finished: boolean;
      try {
        finished = await replay();
      } finally {
        // Completed, failed or unsubscribed: the worker ends with the replay, before it says so.
        await flacWorker?.close();
      }
      if (!finished) return;
      status('ended', `archive ${opts.path} finished`);
      subscriber.complete();
    }

    /** Play the archive; true when it played through, false when unsubscribed. */
    async function replay(): Promise<boolean> {
      let files = await listArchive(opts.path);
      if (files.length === 0) {
        if (waitPollS === false) throw new Error(`archive ${opts.path}: no audio files`);
        status('waiting', `waiting for audio files in ${opts.path} (looking every ${waitPollS} s)`);
        const found = await waitForFiles({ path: opts.path, pollMs: waitPollS * 1000, sleep, stopped: () => stopped });
        if (!found) return false;
        files = found;
      }
      if (workerMinBytes !== false && !stopped && (await flacBytes(files)) >= workerMinBytes) flacWorker = createFlacWorker();
      status('live', `replaying ${files.length} file(s) from ${opts.path}`, paced ? 0 : undefined);
      const st = { seq: 0, pace: new PaceClock(opts.speed, now), behind: typeof opts.speed === 'number' ? new BehindMeter(opts.speed, now) : null };
      let shift = 0; // added to every time on loop passes after the first
      let lastEnd: number | null = null;
      let firstT0: number | null = null;
      do {
        let prevEndInPass: number | null = null;
        let played = 0;
        for (const f of files) {
          if (stopped) return false;
          const fileT0: number = f.stamp !== null
            ? f.stamp + shift
            : prevEndInPass ?? (opts.startTime ?? f.mtimeMs) + shift;
          // Gaps and overlaps are judged only for files that open: a bad file between two good
          // ones is not a hole in time.
          const onOpen = (): void => {
            if (lastEnd === null) return;
            const d = fileT0 - lastEnd;
            if (d > GAP_TOLERANCE_MS) {
              report({ type: 'gap', station, start: lastEnd, lengthS: d / 1000, reason: `archive: ${f.path} starts after the previous file ended` });
            } else if (d < -GAP_TOLERANCE_MS) {
              report({ type: 'clock', station, at: now(), driftS: d / 1000, message: `archive: ${f.path} starts ${(-d / 1000).toFixed(3)} s before the previous file ended` });
            }
          };
          const r = await playFile(f, fileT0, st, onOpen);
          if (stopped) return false;
          if (!r) continue;
          played++;
          firstT0 ??= fileT0;
          prevEndInPass = fileT0 + (r.frames * 1000) / r.sampleRate;
          lastEnd = prevEndInPass;
        }
        if (played === 0) throw new Error(`archive ${opts.path}: no playable file (each one is reported)`);
        // firstT0 is from the first pass (shift 0): the next pass starts where this one ended.
        if (opts.loop && lastEnd !== null && firstT0 !== null) shift = lastEnd - firstT0;
      } while (opts.loop && !stopped);
      return !stopped;
    }

    run().catch((e: unknown) => {
      if (stopped) return;
      const message = e instanceof Error ? e.message : String(e);
      status('faulted', message);
      subscriber.error(e instanceof Error ? e : new Error(message));
    });

    return () => {
      stopped = true;
      if (sleepTimer) clearTimeout(sleepTimer);
      const w = wake;
      wake = null;
      w?.(); // the reading loop sees `stopped` and closes its file once any pending read settles
      onStop();
    };
  });
}
