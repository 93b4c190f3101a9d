// The worker side of FLAC streams decoded off the main thread (flac-worker-stream.ts): the
// in-process reader (flac.ts) runs here unchanged, so samples, block ends and errors are its own,
// and decodes up to `ahead` blocks before the main thread asks for them. The worker decodes the
// files it is sent one after another ('open' … 'close', then the next 'open'), so a replay of many
// short files pays the thread's start (~0.13 s) once; 'exit' ends it.
import { parentPort, workerData } from 'node:worker_threads';
import { openFlacStream } from './flac.ts';
import { AudioFormatError } from './errors.ts';
import type { AudioStream } from './audio-stream.ts';
import type { FlacOpenRequest, FlacWorkerData, ToMain, ToWorker, WireError } from './flac-worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('flac-worker.ts runs only as a worker thread');
const data = workerData as FlacWorkerData;

const wire = (e: unknown): WireError =>
  e instanceof AudioFormatError ? { kind: 'audio', path: e.path, reason: e.reason } : { kind: 'other', message: e instanceof Error ? e.message : String(e) };
const send = (m: ToMain, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

/** One file being decoded. */
class Session {
  stream: AudioStream | null = null;
  frames = 0;
  credits = 0;
  done = false;
  /** The decoding loop running now, if any: a close waits for it (reads must not overlap close). */
  pumping: Promise<void> | null = null;
  /** Buffers the main thread gave back, one set per block in flight. */
  readonly spare: ArrayBuffer[][] = [];
  constructor(readonly file: number) {}

  async open(r: FlacOpenRequest): Promise<void> {
    try {
      const s = await openFlacStream(r.path, {
        conceal: r.conceal, allowTruncated: r.allowTruncated,
        ...(r.ioBytes !== undefined ? { ioBytes: r.ioBytes } : {}),
        ...(r.verifyCrc !== undefined ? { verifyCrc: r.verifyCrc } : {}),
      });
      if (this.done) { await s.close(); return; }
      this.stream = s;
      send({ file: this.file, type: 'open', info: { sampleRate: s.sampleRate, channelCount: s.channelCount, bitsPerSample: s.bitsPerSample, format: s.format, frames: s.frames } });
    } catch (e) {
      if (!this.done) send({ file: this.file, type: 'error', error: wire(e) });
      this.done = true;
    }
  }

  /** Decode while credits last; one loop at a time. */
  pump(): void {
    if (this.pumping || this.done || !this.stream) return;
    this.pumping = this.decode().finally(() => { this.pumping = null; });
  }

  private async decode(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    try {
      while (this.credits > 0 && !this.done) {
        const bufs = this.spare.pop() ?? [];
        const n = this.frames;
        const into = Array.from({ length: s.channelCount }, (_, c) => (bufs[c] && bufs[c].byteLength >= n * 4 ? new Float32Array(bufs[c], 0, n) : new Float32Array(n)));
        const got = await s.read(n, into);
        if (this.done) return;
        if (!got) {
          send({ file: this.file, type: 'end', concealed: s.concealed, notes: [...s.notes] });
          this.done = true;
          return;
        }
        this.credits--;
        const channels = into.map((a) => a.buffer as ArrayBuffer);
        send({ file: this.file, type: 'block', frames: got[0].length, channels, concealed: s.concealed, notes: [...s.notes] }, channels);
      }
    } catch (e) {
      if (!this.done) send({ file: this.file, type: 'error', error: wire(e) });
      this.done = true;
    }
  }

  async close(): Promise<void> {
    this.done = true;
    await this.pumping;
    await this.stream?.close();
  }
}

let current: Session | null = null;
// Opens and closes run in order: a file is closed before the next one opens.
let chain: Promise<void> = Promise.resolve();
const then = (f: () => Promise<void>): void => { chain = chain.then(f, f); };

port.on('message', (m: ToWorker) => {
  if (m.type === 'exit') {
    const s = current;
    current = null;
    then(async () => { await s?.close(); port.close(); }); // nothing else keeps the thread alive: it exits
    return;
  }
  if (m.type === 'open') {
    const prev = current;
    const s = new Session(m.file);
    current = s;
    then(async () => { await prev?.close(); await s.open(m.request); s.pump(); });
    return;
  }
  const s = current;
  if (!s || s.file !== m.file) return; // about a file already closed
  if (m.type === 'close') { current = null; then(() => s.close()); return; }
  if (m.type === 'start') { s.frames = m.frames; s.credits = data.ahead; }
  else { s.credits++; if (m.buffers.length > 0) s.spare.push(m.buffers); }
  s.pump();
});
