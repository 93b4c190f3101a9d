// FLAC AudioStreams whose decoding runs in a worker thread (flac-worker.ts), a few blocks ahead of
// the reads: a replay at speed 'max' then decodes on one core while it analyses on the other.
// Same interface and output as openFlacStream (the worker runs it): the same samples, `read`
// returns exactly maxFrames except at the end, errors arrive as the same AudioFormatError.
// Decoded blocks are transferred (not copied) to this thread; a read with `into` copies them there
// (the caller's recycled memory) and hands the buffers back to the worker for its next block.
//
// A worker takes ~0.13 s to start (tsx registration, module load), so a replay of many short files
// keeps one (createFlacWorker) and opens its files through it one after another; a stream's
// close() then closes only its file.
// A worker that dies (crash, out of memory) fails the file being read with a FlacWorkerError
// naming it, never a hang; the handle starts a fresh thread for the next file.
import { Worker } from 'node:worker_threads';
import { AudioFormatError } from './errors.ts';
import { checkInto } from './read-into.ts';
import type { AudioStream, OpenOptions } from './audio-stream.ts';
import type { FlacOpenRequest, FlacProgress, FlacWorkerData, ToMain, ToWorker, WireError } from './flac-worker-protocol.ts';

const BOOT = new URL('./flac-worker-boot.mjs', import.meta.url);
/** Blocks decoded ahead: enough to cover the analysis's uneven pace, few enough to bound memory. */
const AHEAD = 3;
/** How long close() lets the worker close its file and exit before terminating it. */
const CLOSE_GRACE_MS = 2000;

const live = new Set<Worker>();
let started = 0;
/** Decoder workers running now (tests check that none outlives its stream or replay). */
export function liveFlacWorkers(): number {
  return live.size;
}
/** Decoder workers started since the process began (tests check that a replay started one). */
export function flacWorkersStarted(): number {
  return started;
}
/** Terminate every decoder worker at once, as a crash would (tests of crash handling). */
export async function killFlacWorkers(): Promise<void> {
  await Promise.all([...live].map((w) => w.terminate()));
}

/** The decoder worker died under a file: not the file's fault, but the file could not be read. */
export class FlacWorkerError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'FlacWorkerError';
  }
}

const unwire = (e: WireError): Error => (e.kind === 'audio' ? new AudioFormatError(e.path, e.reason) : new Error(e.message));

/** The open file's side of the thread: messages wait in `inbox` until a read (or the open) takes them. */
interface Session {
  readonly file: number;
  readonly path: string;
  readonly inbox: ToMain[];
  waiter: (() => void) | null;
  failure: Error | null;
}
const wakeUp = (s: Session): void => { const w = s.waiter; s.waiter = null; w?.(); };

interface Thread {
  readonly worker: Worker;
  readonly exited: Promise<void>;
}

/** One decoder worker, reused for file after file; one file open at a time. */
export interface FlacWorker {
  /** Open a FLAC file in the worker (the previous stream must be closed). */
  open(path: string, opts?: OpenOptions & { verifyCrc?: boolean }): Promise<AudioStream>;
  /** End the worker (and any file still open through it). Idempotent. */
  close(): Promise<void>;
}

/** A handle on a decoder worker: the thread starts at the first open, and again after a crash. */
export function createFlacWorker(): FlacWorker {
  let thread: Thread | null = null;
  let session: Session | null = null;
  let nextFile = 0;
  let closed = false;

  function spawn(): Thread {
    // execArgv []: the worker registers tsx itself, whatever flags started this process.
    const data: FlacWorkerData = { ahead: AHEAD };
    const worker = new Worker(BOOT, { workerData: data, execArgv: [] });
    live.add(worker);
    started++;
    const fail = (why: string): void => {
      if (thread?.worker === worker) thread = null; // the next open starts a fresh thread
      const s = session;
      if (s) { s.failure ??= new FlacWorkerError(s.path, why); wakeUp(s); }
    };
    const exited = new Promise<void>((resolve) => worker.once('exit', () => { live.delete(worker); fail('FLAC decoder worker exited early'); resolve(); }));
    worker.on('message', (m: ToMain) => {
      const s = session;
      if (!s || s.file !== m.file) return; // about a file already closed
      s.inbox.push(m);
      wakeUp(s);
    });
    worker.on('error', (e: Error) => fail(`FLAC decoder worker failed: ${e.message}`));
    return { worker, exited };
  }

  async function open(path: string, opts: OpenOptions & { verifyCrc?: boolean } = {}): Promise<AudioStream> {
    if (closed) throw new Error(`${path}: FLAC decoder worker already closed`);
    if (session) throw new Error(`${path}: FLAC decoder worker still has ${session.path} open`);
    const t = thread ??= spawn();
    const s: Session = { file: nextFile++, path, inbox: [], waiter: null, failure: null };
    session = s;
    const post = (m: ToWorker, transfer: ArrayBuffer[] = []): void => t.worker.postMessage(m, transfer);
    const request: FlacOpenRequest = {
      path, conceal: opts.conceal === true, allowTruncated: opts.allowTruncated === true,
      ...(opts.ioBytes !== undefined ? { ioBytes: opts.ioBytes } : {}),
      ...(opts.verifyCrc !== undefined ? { verifyCrc: opts.verifyCrc } : {}),
    };
    post({ type: 'open', file: s.file, request });
    return fileStream(s, post);
  }

  /** The AudioStream of one file open in the worker; close() closes the file, not the worker. */
  async function fileStream(s: Session, post: (m: ToWorker, transfer?: ArrayBuffer[]) => void): Promise<AudioStream> {
    const { path } = s;
    async function take(): Promise<ToMain> {
      for (;;) {
        const m = s.inbox.shift();
        if (m) return m;
        if (s.failure) throw s.failure;
        await new Promise<void>((resolve) => { s.waiter = resolve; });
      }
    }

    let isClosed = false;
    async function close(): Promise<void> {
      if (isClosed) return;
      isClosed = true;
      if (session === s) session = null;
      // The worker closes the file before it opens the next one: no need to wait here. A dead
      // thread has nothing to close.
      if (!s.failure) post({ type: 'close', file: s.file });
    }

    const first = await take().catch(async (e: unknown) => { await close(); throw e; });
    if (first.type !== 'open') {
      await close();
      throw first.type === 'error' ? unwire(first.error) : new Error(`${path}: FLAC decoder worker sent ${first.type} before open`);
    }
    const info = first.info;
    const channels = info.channelCount;

    let startedReading = false;
    let ended = false;
    let progress: FlacProgress = { concealed: 0, notes: [] };
    const notes: string[] = [];
    // The block being read from: its samples per channel and how far reads have taken it.
    let pending: Float32Array[] | null = null;
    let pendingAt = 0;

    /** The next decoded block, or null at the end of the file. Throws the worker's error. */
    async function nextBlock(): Promise<Float32Array[] | null> {
      if (ended) return null;
      const m = await take();
      if (m.type === 'error') { ended = true; throw unwire(m.error); }
      if (m.type === 'open') throw new Error(`${path}: FLAC decoder worker opened twice`);
      progress = m;
      notes.splice(0, notes.length, ...m.notes);
      if (m.type === 'end') { ended = true; return null; }
      return m.channels.map((b) => new Float32Array(b, 0, m.frames));
    }

    /** Done with a block: the worker may decode the next one, into `buffers` if given. */
    const release = (block: Float32Array[], reuse: boolean): void => {
      if (s.failure) return;
      const buffers = reuse ? block.map((a) => a.buffer as ArrayBuffer) : [];
      post({ type: 'ack', file: s.file, buffers }, buffers);
    };

    return {
      path, ...info,
      get nonFinite() { return 0; },
      get concealed() { return progress.concealed; },
      notes,
      async read(maxFrames: number, into?: readonly Float32Array[]): Promise<Float32Array[] | null> {
        if (isClosed) throw new Error(`${path}: read after close`);
        const want = Math.max(0, Math.floor(maxFrames));
        if (want === 0) return null;
        if (into) checkInto(into, channels, want, path);
        if (!startedReading) { startedReading = true; if (!s.failure) post({ type: 'start', file: s.file, frames: want }); }
        if (!pending) { pending = await nextBlock(); pendingAt = 0; }
        if (!pending) return null;
        // The usual case without `into`: a whole block is the answer, handed over as it came.
        if (!into && pendingAt === 0 && pending[0].length === want) {
          const block = pending;
          pending = null;
          release(block, false);
          return block;
        }
        const out = Array.from({ length: channels }, (_, c) => (into ? into[c].subarray(0, want) : new Float32Array(want)));
        let got = 0;
        while (got < want) {
          if (!pending) { pending = await nextBlock(); pendingAt = 0; }
          if (!pending) break;
          const n = Math.min(pending[0].length - pendingAt, want - got);
          for (let c = 0; c < channels; c++) out[c].set(pending[c].subarray(pendingAt, pendingAt + n), got);
          got += n;
          pendingAt += n;
          if (pendingAt >= pending[0].length) { release(pending, true); pending = null; }
        }
        return got === want ? out : out.map((a) => a.subarray(0, got));
      },
      close,
    };
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const t = thread;
    thread = null;
    if (!t) return;
    t.worker.postMessage({ type: 'exit' } satisfies ToWorker);
    const timer = setTimeout(() => void t.worker.terminate(), CLOSE_GRACE_MS);
    await t.exited;
    clearTimeout(timer);
  }

  return { open, close };
}
