// The worker side of a FLAC stream decoded off the main thread (flac-worker-stream.ts): the
// in-process reader (flac.ts) runs here unchanged, so samples, block ends and errors are its own,
// and decodes up to `ahead` blocks before the main thread asks for them.
import { parentPort, workerData } from 'node:worker_threads';
import { openFlacStream } from './flac.ts';
import { AudioFormatError } from './errors.ts';
import type { AudioStream } from './audio-stream.ts';
import type { FlacWorkerData, ToMain, ToWorker, WireError } from './flac-worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('flac-worker.ts runs only as a worker thread');
const data = workerData as FlacWorkerData;

const wire = (e: unknown): WireError =>
  e instanceof AudioFormatError ? { kind: 'audio', path: e.path, reason: e.reason } : { kind: 'other', message: e instanceof Error ? e.message : String(e) };
const send = (m: ToMain, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let stream: AudioStream | null = null;
let frames = 0;
let credits = 0;
let busy = false;
let done = false;
/** Buffers the main thread gave back, one set per block in flight. */
const spare: ArrayBuffer[][] = [];

async function finish(): Promise<void> {
  done = true;
  await stream?.close();
  port?.close(); // nothing else keeps the thread alive: it exits
}

/** Decode while credits last; one loop at a time (reads must not overlap). */
async function pump(): Promise<void> {
  if (busy || done || !stream) return;
  busy = true;
  try {
    while (credits > 0 && !done) {
      const s = stream;
      const bufs = spare.pop() ?? [];
      const into = Array.from({ length: s.channelCount }, (_, c) => (bufs[c] && bufs[c].byteLength >= frames * 4 ? new Float32Array(bufs[c], 0, frames) : new Float32Array(frames)));
      const got = await s.read(frames, into);
      if (done) return;
      if (!got) {
        send({ type: 'end', concealed: s.concealed, notes: [...s.notes] });
        done = true;
        return;
      }
      credits--;
      const channels = into.map((a) => a.buffer as ArrayBuffer);
      send({ type: 'block', frames: got[0].length, channels, concealed: s.concealed, notes: [...s.notes] }, channels);
    }
  } catch (e) {
    send({ type: 'error', error: wire(e) });
    done = true;
  } finally {
    busy = false;
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'close') { void finish(); return; }
  if (m.type === 'start') { frames = m.frames; credits = data.ahead; }
  else { credits++; if (m.buffers.length > 0) spare.push(m.buffers); }
  void pump();
});

try {
  const s = await openFlacStream(data.path, {
    conceal: data.conceal, allowTruncated: data.allowTruncated,
    ...(data.ioBytes !== undefined ? { ioBytes: data.ioBytes } : {}),
    ...(data.verifyCrc !== undefined ? { verifyCrc: data.verifyCrc } : {}),
  });
  stream = s;
  send({ type: 'open', info: { sampleRate: s.sampleRate, channelCount: s.channelCount, bitsPerSample: s.bitsPerSample, format: s.format, frames: s.frames } });
} catch (e) {
  send({ type: 'error', error: wire(e) });
  done = true;
}
