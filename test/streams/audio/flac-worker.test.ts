// The FLAC stream decoded in a worker thread (flac-worker-stream.ts) against the in-process one it
// must equal: header, every block's samples for the same sequence of reads (with and without
// caller buffers), counters and notes, and every failure (missing, not FLAC, truncated, corrupt) as
// the same AudioFormatError with the same message. No worker may outlive its stream. One worker
// reused for file after file (createFlacWorker) gives each file the same, and survives bad files;
// a worker that dies fails its file with an error naming it, and the next file gets a fresh one.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { openFlacStream } from '../../../streams/audio/flac.ts';
import { liveFlacWorkers, createFlacWorker, flacWorkersStarted, killFlacWorkers, FlacWorkerError } from '../../../streams/audio/flac-worker-stream.ts';
import type { AudioStream, OpenOptions } from '../../../streams/audio/audio-stream.ts';
import { AudioFormatError } from '../../../streams/audio/errors.ts';
import { chirp, concat, mix, noise, silence, tone, writeWav } from '../../helpers/signals.ts';
import { expectSameChannels } from './same-channels.ts';

const sr = 16000;
let dir: string;
let mono: string;
let stereo24: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flac-worker-'));
  const x = concat(silence(0.3, sr), mix(tone(440, 4, sr, 0.3), noise(4, sr, 0.05, 5)), chirp(200, 7000, 2, sr, 0.4));
  const wav1 = writeWav(join(dir, 'mono.wav'), x, sr, 'pcm16');
  const wav2 = writeWav(join(dir, 'stereo.wav'), [x, noise(x.length / sr, sr, 0.3, 8)], sr, 'pcm24');
  mono = join(dir, 'mono.flac');
  stereo24 = join(dir, 'stereo24.flac');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav1, '-c:a', 'flac', '-frame_size', '1024', mono, '-i', wav2, '-map', '1:a', '-c:a', 'flac', '-sample_fmt', 's32', stereo24]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Open = (path: string, opts?: OpenOptions) => Promise<AudioStream>;

/** A file in a decoder worker of its own, ended with the stream: one file through createFlacWorker. */
async function openFlacWorkerStream(path: string, opts: OpenOptions = {}): Promise<AudioStream> {
  const w = createFlacWorker();
  let s: AudioStream;
  try {
    s = await w.open(path, opts);
  } catch (e) {
    await w.close();
    throw e;
  }
  const closeFile = s.close;
  // The stream object is returned as is (its getters stay live); only close() also ends the worker.
  return Object.assign(s, { close: async () => { await closeFile(); await w.close(); } });
}
interface Outcome { blocks: Float32Array[][]; error: string | null; errorClass: string | null; concealed: number; notes: string[] }

/** Every block of `sizes` reads (the last size repeats), copied, then the stream's end state. */
async function readAll(open: Open, path: string, sizes: number[], opts: OpenOptions = {}, into = false): Promise<Outcome> {
  const s = await open(path, opts);
  const blocks: Float32Array[][] = [];
  let error: unknown = null;
  try {
    for (let k = 0; ; k++) {
      const n = sizes[Math.min(k, sizes.length - 1)];
      const bufs = into ? Array.from({ length: s.channelCount }, () => new Float32Array(n + 7)) : undefined;
      const b = await s.read(n, bufs);
      if (!b) break;
      if (bufs) expect(b[0].buffer).toBe(bufs[0].buffer);
      blocks.push(b.map((ch) => ch.slice()));
    }
  } catch (e) {
    error = e;
  } finally {
    await s.close();
  }
  return {
    blocks, concealed: s.concealed, notes: [...s.notes],
    error: error instanceof Error ? error.message : null, errorClass: error instanceof Error ? error.constructor.name : null,
  };
}

function expectSame(got: Outcome, want: Outcome): void {
  expect(got.error).toBe(want.error);
  expect(got.errorClass).toBe(want.errorClass);
  expect(got.concealed).toBe(want.concealed);
  expect(got.notes).toEqual(want.notes);
  expect(got.blocks.map((b) => b[0].length)).toEqual(want.blocks.map((b) => b[0].length));
  for (let i = 0; i < want.blocks.length; i++) expectSameChannels(got.blocks[i], want.blocks[i]);
}

describe('FLAC decoded in a worker thread', () => {
  it('has the header of the in-process reader', async () => {
    for (const p of [mono, stereo24]) {
      const a = await openFlacStream(p);
      const b = await openFlacWorkerStream(p);
      const head = (s: AudioStream) => [s.path, s.sampleRate, s.channelCount, s.bitsPerSample, s.format, s.frames];
      expect(head(b)).toEqual(head(a));
      await a.close();
      await b.close();
    }
    expect(liveFlacWorkers()).toBe(0);
  });

  it('yields the same blocks, sample for sample, for the same reads (even, odd and changing sizes; into or not)', async () => {
    for (const p of [mono, stereo24]) {
      for (const sizes of [[32000], [1000], [4097, 333, 12000, 1, 5000]]) {
        for (const into of [false, true]) {
          const want = await readAll(openFlacStream, p, sizes, {}, into);
          expect(want.blocks.length).toBeGreaterThan(2);
          expectSame(await readAll(openFlacWorkerStream, p, sizes, {}, into), want);
        }
      }
    }
    expect(liveFlacWorkers()).toBe(0);
  });

  it('a missing file and a file that is not FLAC fail at open with the same AudioFormatError', async () => {
    const notFlac = join(dir, 'mono.wav');
    for (const p of [join(dir, 'absent.flac'), notFlac]) {
      const want = await openFlacStream(p).then(() => null, (e: unknown) => e);
      const got = await openFlacWorkerStream(p).then(() => null, (e: unknown) => e);
      expect(want).toBeInstanceOf(AudioFormatError);
      expect(got).toBeInstanceOf(AudioFormatError);
      expect((got as AudioFormatError).message).toBe((want as AudioFormatError).message);
      expect((got as AudioFormatError).path).toBe(p);
    }
    expect(liveFlacWorkers()).toBe(0);
  });

  it('a truncated file: the same error mid-file after the same blocks, or the same note with allowTruncated', async () => {
    const bytes = readFileSync(mono);
    const cut = join(dir, 'cut.flac');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const strict = await readAll(openFlacStream, cut, [4000]);
    expect(strict.errorClass).toBe('AudioFormatError');
    expect(strict.error).toMatch(/cut\.flac: truncated/);
    expectSame(await readAll(openFlacWorkerStream, cut, [4000]), strict);
    const lenient = await readAll(openFlacStream, cut, [4000], { allowTruncated: true });
    expect(lenient.notes.length).toBe(1);
    expectSame(await readAll(openFlacWorkerStream, cut, [4000], { allowTruncated: true }), lenient);
    expect(liveFlacWorkers()).toBe(0);
  });

  it('a corrupt frame: the same error, or the same silence and count with conceal', async () => {
    const bad = new Uint8Array(readFileSync(mono));
    bad[Math.floor(bad.length * 0.5)] ^= 0x24;
    const p = join(dir, 'damaged.flac');
    writeFileSync(p, bad);
    const strict = await readAll(openFlacStream, p, [3000]);
    expect(strict.errorClass).toBe('AudioFormatError');
    expectSame(await readAll(openFlacWorkerStream, p, [3000]), strict);
    const concealed = await readAll(openFlacStream, p, [3000], { conceal: true });
    expect(concealed.concealed).toBeGreaterThan(0);
    expectSame(await readAll(openFlacWorkerStream, p, [3000], { conceal: true }), concealed);
    expect(liveFlacWorkers()).toBe(0);
  });

  it('close() mid-file ends the worker; reading after close is an error', async () => {
    const s = await openFlacWorkerStream(mono);
    expect(liveFlacWorkers()).toBe(1);
    expect(await s.read(1000)).not.toBeNull();
    await s.close();
    expect(liveFlacWorkers()).toBe(0);
    await expect(s.read(1000)).rejects.toThrow(/read after close/);
    await s.close(); // idempotent
  });
});

describe('one FLAC decoder worker reused for file after file', () => {
  it('decodes files in turn, each as the in-process reader does (a missing and a corrupt file between good ones), in one thread', async () => {
    const bad = new Uint8Array(readFileSync(mono));
    bad[Math.floor(bad.length * 0.5)] ^= 0x24;
    const damaged = join(dir, 'reuse-damaged.flac');
    writeFileSync(damaged, bad);
    const junk = join(dir, 'reuse-junk.flac');
    writeFileSync(junk, Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(300, 0xa5)]));
    const before = flacWorkersStarted();
    const w = createFlacWorker();
    const viaWorker: Open = (p, o) => w.open(p, o);
    const files = [mono, stereo24, join(dir, 'absent.flac'), damaged, junk, mono, stereo24];
    for (const [k, p] of files.entries()) {
      for (const opts of [{}, { conceal: true }] as OpenOptions[]) {
        // One read size per file: a strict read of a corrupt file keeps the blocks before the bad
        // one, and the worker's blocks are the first read's size.
        const sizes = k % 2 ? [4097] : [16000];
        const want = await readAll(openFlacStream, p, sizes, opts).catch((e: unknown) => e);
        const got = await readAll(viaWorker, p, sizes, opts).catch((e: unknown) => e);
        if (want instanceof Error) {
          expect(got).toBeInstanceOf(want.constructor);
          expect((got as Error).message).toBe(want.message);
        } else {
          expectSame(got as Outcome, want as Outcome);
        }
        expect(liveFlacWorkers()).toBe(1);
      }
    }
    expect(flacWorkersStarted() - before).toBe(1);
    await w.close();
    expect(liveFlacWorkers()).toBe(0);
    await expect(w.open(mono)).rejects.toThrow(/already closed/);
  });

  it('a file closed mid-way leaves the worker for the next file; only one file is open at a time', async () => {
    const w = createFlacWorker();
    const a = await w.open(mono);
    expect(await a.read(1000)).not.toBeNull();
    await expect(w.open(stereo24)).rejects.toThrow(/still has .*mono\.flac open/);
    await a.close();
    expectSame(await readAll((p, o) => w.open(p, o), stereo24, [5000]), await readAll(openFlacStream, stereo24, [5000]));
    expect(liveFlacWorkers()).toBe(1);
    await w.close();
    expect(liveFlacWorkers()).toBe(0);
  });

  it('a worker that dies fails the file being read with a FlacWorkerError naming it (no hang); the next file starts a fresh one', async () => {
    const before = flacWorkersStarted();
    const w = createFlacWorker();
    const s = await w.open(mono);
    expect(await s.read(1000)).not.toBeNull();
    await killFlacWorkers();
    const err = await (async () => { for (;;) if (!(await s.read(1000))) return null; })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlacWorkerError);
    expect((err as FlacWorkerError).message).toMatch(/mono\.flac: FLAC decoder worker (exited early|failed)/);
    await s.close();
    expectSame(await readAll((p, o) => w.open(p, o), stereo24, [5000]), await readAll(openFlacStream, stereo24, [5000]));
    expect(flacWorkersStarted() - before).toBe(2);
    await w.close();
    expect(liveFlacWorkers()).toBe(0);
  });
});
