// A FLAC AudioStream whose decoding runs in a worker thread (flac-worker.ts), a few blocks ahead of
// the reads: a replay at speed 'max' then decodes on one core while it analyses on the other.
// Same interface and output as openFlacStream (the worker runs it): the same samples, `read`
// returns exactly maxFrames except at the end, errors arrive as the same AudioFormatError.
// Decoded blocks are transferred (not copied) to this thread; a read with `into` copies them there
// (the caller's recycled memory) and hands the buffers back to the worker for its next block.
import { Worker } from 'node:worker_threads';
import { AudioFormatError } from './errors.ts';
import { checkInto } from './read-into.ts';
import type { AudioStream, OpenOptions } from './audio-stream.ts';
import type { FlacProgress, FlacWorkerData, ToMain, ToWorker, WireError } from './flac-worker-protocol.ts';

const BOOT = new URL('./flac-worker-boot.mjs', import.meta.url);
/** Blocks decoded ahead: enough to cover the analysis's uneven pace, few enough to bound memory. */
const AHEAD = 3;
/** How long close() lets the worker close its file before terminating it. */
const CLOSE_GRACE_MS = 2000;

const live = new Set<Worker>();
/** Decoder workers running now (tests check that none outlives its stream). */
export function liveFlacWorkers(): number {
  return live.size;
}

const unwire = (e: WireError): Error => (e.kind === 'audio' ? new AudioFormatError(e.path, e.reason) : new Error(e.message));

/** Open a FLAC file for block-wise reading, decoded in a worker thread. */
export async function openFlacWorkerStream(path: string, opts: OpenOptions & { verifyCrc?: boolean } = {}): Promise<AudioStream> {
  const data: FlacWorkerData = {
    path, conceal: opts.conceal === true, allowTruncated: opts.allowTruncated === true, ahead: AHEAD,
    ...(opts.ioBytes !== undefined ? { ioBytes: opts.ioBytes } : {}),
    ...(opts.verifyCrc !== undefined ? { verifyCrc: opts.verifyCrc } : {}),
  };
  // execArgv []: the worker registers tsx itself, whatever flags started this process.
  const worker = new Worker(BOOT, { workerData: data, execArgv: [] });
  live.add(worker);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => { live.delete(worker); resolve(); }));

  // Messages wait in `inbox` until a read (or the open) takes them; `failure` ends everything.
  const inbox: ToMain[] = [];
  let waiter: (() => void) | null = null;
  let failure: Error | null = null;
  const wakeUp = (): void => { const w = waiter; waiter = null; w?.(); };
  worker.on('message', (m: ToMain) => { inbox.push(m); wakeUp(); });
  worker.on('error', (e: Error) => { failure ??= new Error(`${path}: FLAC decoder worker failed: ${e.message}`); wakeUp(); });
  void exited.then(() => { failure ??= new Error(`${path}: FLAC decoder worker exited early`); wakeUp(); });
  const post = (m: ToWorker, transfer: ArrayBuffer[] = []): void => worker.postMessage(m, transfer);

  async function take(): Promise<ToMain> {
    for (;;) {
      const m = inbox.shift();
      if (m) return m;
      if (failure) throw failure;
      await new Promise<void>((resolve) => { waiter = resolve; });
    }
  }

  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    post({ type: 'close' });
    const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  const first = await take().catch(async (e: unknown) => { await close(); throw e; });
  if (first.type !== 'open') {
    await close();
    throw first.type === 'error' ? unwire(first.error) : new Error(`${path}: FLAC decoder worker sent ${first.type} before open`);
  }
  const info = first.info;
  const channels = info.channelCount;

  let started = false;
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
    const buffers = reuse ? block.map((a) => a.buffer as ArrayBuffer) : [];
    post({ type: 'ack', buffers }, buffers);
  };

  return {
    path, ...info,
    get nonFinite() { return 0; },
    get concealed() { return progress.concealed; },
    notes,
    async read(maxFrames: number, into?: readonly Float32Array[]): Promise<Float32Array[] | null> {
      if (closed) throw new Error(`${path}: read after close`);
      const want = Math.max(0, Math.floor(maxFrames));
      if (want === 0) return null;
      if (into) checkInto(into, channels, want, path);
      if (!started) { started = true; post({ type: 'start', frames: want }); }
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
        const take = Math.min(pending[0].length - pendingAt, want - got);
        for (let c = 0; c < channels; c++) out[c].set(pending[c].subarray(pendingAt, pendingAt + take), got);
        got += take;
        pendingAt += take;
        if (pendingAt >= pending[0].length) { release(pending, true); pending = null; }
      }
      return got === want ? out : out.map((a) => a.subarray(0, got));
    },
    close,
  };
}
