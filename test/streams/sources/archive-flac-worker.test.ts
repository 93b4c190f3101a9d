// archiveSource at speed 'max' with FLAC decoded in a worker thread (flacWorkerMinBytes): the
// same chunks (samples at emission, t0, seq, origin) and the same reports as in-process decoding,
// over a folder with a good, a damaged and a truncated FLAC file; the worker really is used, and
// none outlives the replay or an unsubscribe mid-file. A replay of many short files runs them all
// through one worker (a corrupt file between good ones reported and skipped), and a worker that
// dies fails only the file it was decoding.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { firstValueFrom, lastValueFrom, map, take, tap, toArray } from 'rxjs';
import { archiveSource, type ArchiveSourceOptions } from '../../../streams/sources/archive.ts';
import { liveFlacWorkers, flacWorkersStarted, killFlacWorkers } from '../../../streams/audio/flac-worker-stream.ts';
import type { PcmChunk, SourceEvent } from '../../../streams/types.ts';
import { chirp, mix, noise, tone, writeWav } from '../../helpers/signals.ts';

const sr = 16000;
let dir: string;
let folder: string;
let good: string;
let shorts: string;
let longs: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'archive-flac-worker-'));
  folder = join(dir, 'archive');
  mkdirSync(folder);
  const wav = writeWav(join(dir, 'a.wav'), [mix(tone(440, 9, sr, 0.3), noise(9, sr, 0.05, 3)), chirp(100, 7000, 9, sr, 0.4)], sr, 'pcm16');
  good = join(folder, 'ST_20230601_120000.flac');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-c:a', 'flac', '-frame_size', '1024', good]);
  const bytes = new Uint8Array(readFileSync(good));
  const damaged = bytes.slice();
  damaged[Math.floor(bytes.length * 0.4)] ^= 0x24;
  writeFileSync(join(folder, 'ST_20230601_120010.flac'), damaged);
  writeFileSync(join(folder, 'ST_20230601_120020.flac'), bytes.subarray(0, Math.floor(bytes.length * 0.7)));
  // Six short files, each its own sound, with one that is not FLAC inside and one damaged.
  shorts = join(dir, 'shorts');
  mkdirSync(shorts);
  for (let k = 0; k < 6; k++) {
    const name = join(shorts, `ST_20230601_1300${String(k * 3).padStart(2, '0')}.flac`);
    if (k === 2) { writeFileSync(name, Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(500, 0x5a)])); continue; }
    const w = writeWav(join(dir, `s${k}.wav`), mix(tone(300 + 100 * k, 3, sr, 0.3), noise(3, sr, 0.05, 10 + k)), sr, 'pcm16');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', w, '-c:a', 'flac', '-frame_size', '1024', name]);
    if (k === 4) {
      const b = new Uint8Array(readFileSync(name));
      b[Math.floor(b.length * 0.5)] ^= 0x24;
      writeFileSync(name, b);
    }
  }
  // Three long files (60 s: far more blocks than the worker decodes ahead), for the crash.
  longs = join(dir, 'longs');
  mkdirSync(longs);
  for (let k = 0; k < 3; k++) {
    const w = writeWav(join(dir, `l${k}.wav`), mix(tone(500 + 200 * k, 60, sr, 0.3), noise(60, sr, 0.05, 20 + k)), sr, 'pcm16');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', w, '-c:a', 'flac', longs + `/ST_20230601_14${k}000.flac`]);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Chunks as they are at emission, the reports, and how many workers ran during the replay. */
async function replay(opts: Partial<ArchiveSourceOptions> & { path: string }, onChunk: (c: PcmChunk) => void = () => {}) {
  const events: SourceEvent[] = [];
  let workers = 0;
  const started = flacWorkersStarted();
  const chunks = await lastValueFrom(
    archiveSource({ station: 'st', speed: 'max', recycle: true, chunkS: 0.7, report: (e) => events.push(e), ...opts }).pipe(
      tap((c) => { workers = Math.max(workers, liveFlacWorkers()); onChunk(c); }),
      map((c) => ({ ...c, samples: c.samples.slice() })),
      toArray(),
    ),
  );
  const reports = events.filter((e) => e.type !== 'status').map((e) => ({ ...e, at: 0 }));
  return { chunks, reports, workers, started: flacWorkersStarted() - started };
}

type Replay = Awaited<ReturnType<typeof replay>>;
/** Same chunks (t0, seq, origin, every sample) and the same reports. */
function expectSameReplay(got: Replay, want: Replay): void {
  expect(got.chunks.map((c) => [c.t0, c.seq, c.origin, c.samples.length])).toEqual(want.chunks.map((c) => [c.t0, c.seq, c.origin, c.samples.length]));
  for (let i = 0; i < want.chunks.length; i++) {
    const a = got.chunks[i].samples, b = want.chunks[i].samples;
    let bad = -1;
    for (let k = 0; k < b.length; k++) if (a[k] !== b[k]) { bad = k; break; }
    expect(bad, `chunk ${i} first differs at sample ${bad}`).toBe(-1);
  }
  expect(got.reports).toEqual(want.reports);
}

describe('archiveSource: FLAC decoded in a worker thread', () => {
  it('emits the same chunks and reports as in-process decoding (good, damaged and truncated files; mix and one channel)', async () => {
    for (const channel of ['mix', 1] as const) {
      const want = await replay({ path: folder, channel, flacWorkerMinBytes: false });
      const got = await replay({ path: folder, channel, flacWorkerMinBytes: 0 });
      expect(want.workers).toBe(0);
      expect(got.workers).toBe(1);
      // the damaged file's silence and the truncated file's note (and the gaps), word for word
      expect(want.reports.filter((e) => e.type === 'error').length).toBe(2);
      expectSameReplay(got, want);
      expect(liveFlacWorkers()).toBe(0);
    }
  });

  it('files below flacWorkerMinBytes, and paced replays by default, decode in-process', async () => {
    expect((await replay({ path: good, flacWorkerMinBytes: readFileSync(good).length + 1 })).workers).toBe(0);
    let workers = 0;
    await firstValueFrom(archiveSource({ station: 'st', path: good, speed: 1000 }).pipe(tap(() => { workers = liveFlacWorkers(); })));
    expect(workers).toBe(0);
  });

  it('an unsubscribe mid-file ends the worker', async () => {
    let during = 0;
    await lastValueFrom(archiveSource({ station: 'st', path: good, speed: 'max', chunkS: 0.25, flacWorkerMinBytes: 0 }).pipe(
      take(3), tap(() => { during = liveFlacWorkers(); }),
    ));
    expect(during).toBe(1);
    // the reading loop closes the file once its pending read settles
    const until = Date.now() + 5000;
    while (liveFlacWorkers() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(liveFlacWorkers()).toBe(0);
  });

  it('a replay of short files runs them all through one worker: same chunks and reports, the corrupt files reported and skipped', async () => {
    const want = await replay({ path: shorts, flacWorkerMinBytes: false });
    expect(want.started).toBe(0);
    // the not-FLAC file fails at open, the damaged one has silence in it; the others play through
    expect(want.reports.filter((e) => e.type === 'error').length).toBe(2);
    expect(new Set(want.chunks.map((c) => c.origin?.file)).size).toBe(5);
    // each file is far below the threshold, all of them together are not
    const each = readFileSync(join(shorts, 'ST_20230601_130000.flac')).length;
    const got = await replay({ path: shorts, flacWorkerMinBytes: 3 * each });
    expect(got.started).toBe(1);
    expect(got.workers).toBe(1);
    expectSameReplay(got, want);
    expect(liveFlacWorkers()).toBe(0);
    // together still too small: in-process
    expect((await replay({ path: shorts, flacWorkerMinBytes: 6 * each })).started).toBe(0);
  });

  it('an unsubscribe in the middle of a later file ends the one worker of the replay', async () => {
    const before = flacWorkersStarted();
    let during = 0;
    const files = new Set<string>();
    await lastValueFrom(archiveSource({ station: 'st', path: shorts, speed: 'max', chunkS: 0.25, flacWorkerMinBytes: 0 }).pipe(
      take(30), tap((c) => { during = Math.max(during, liveFlacWorkers()); files.add(c.origin?.file ?? ''); }),
    ));
    expect(files.size).toBeGreaterThan(1);
    expect(during).toBe(1);
    expect(flacWorkersStarted() - before).toBe(1);
    const until = Date.now() + 5000;
    while (liveFlacWorkers() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(liveFlacWorkers()).toBe(0);
  });

  it('a worker that dies mid-file: that file is reported and cut short, the next files play as in-process through a fresh worker', async () => {
    const want = await replay({ path: longs, flacWorkerMinBytes: false });
    let killed = false;
    const got = await replay({ path: longs, flacWorkerMinBytes: 0 }, (c) => {
      if (!killed && c.origin?.file.endsWith('140000.flac')) { killed = true; void killFlacWorkers(); }
    });
    expect(got.started).toBe(2);
    const errors = got.reports.filter((e) => e.type === 'error');
    expect(errors.length).toBe(1);
    expect(errors[0].type === 'error' && errors[0].message).toMatch(/140000\.flac: FLAC decoder worker (exited early|failed).*rest of file skipped/);
    const later = (r: Replay) => r.chunks.filter((c) => !c.origin?.file.endsWith('140000.flac'));
    const a = later(got), b = later(want);
    expect(a.map((c) => [c.t0, c.origin, c.samples.length])).toEqual(b.map((c) => [c.t0, c.origin, c.samples.length]));
    for (let i = 0; i < b.length; i++) expect(a[i].samples).toEqual(b[i].samples);
    expect(got.chunks.length).toBeLessThan(want.chunks.length);
    expect(liveFlacWorkers()).toBe(0);
  });
});
