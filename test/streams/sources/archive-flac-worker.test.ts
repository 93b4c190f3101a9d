// archiveSource at speed 'max' with FLAC decoded in a worker thread (flacWorkerMinBytes): the
// same chunks (samples at emission, t0, seq, origin) and the same reports as in-process decoding,
// over a folder with a good, a damaged and a truncated FLAC file; the worker really is used, and
// none outlives the replay or an unsubscribe mid-file.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { firstValueFrom, lastValueFrom, map, take, tap, toArray } from 'rxjs';
import { archiveSource, type ArchiveSourceOptions } from '../../../streams/sources/archive.ts';
import { liveFlacWorkers } from '../../../streams/audio/flac-worker-stream.ts';
import type { SourceEvent } from '../../../streams/types.ts';
import { chirp, mix, noise, tone, writeWav } from '../../helpers/signals.ts';

const sr = 16000;
let dir: string;
let folder: string;
let good: string;
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
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Chunks as they are at emission, the reports, and how many workers ran during the replay. */
async function replay(opts: Partial<ArchiveSourceOptions> & { path: string }) {
  const events: SourceEvent[] = [];
  let workers = 0;
  const chunks = await lastValueFrom(
    archiveSource({ station: 'st', speed: 'max', recycle: true, chunkS: 0.7, report: (e) => events.push(e), ...opts }).pipe(
      tap(() => { workers = Math.max(workers, liveFlacWorkers()); }),
      map((c) => ({ ...c, samples: c.samples.slice() })),
      toArray(),
    ),
  );
  const reports = events.filter((e) => e.type !== 'status').map((e) => ({ ...e, at: 0 }));
  return { chunks, reports, workers };
}

describe('archiveSource: FLAC decoded in a worker thread', () => {
  it('emits the same chunks and reports as in-process decoding (good, damaged and truncated files; mix and one channel)', async () => {
    for (const channel of ['mix', 1] as const) {
      const want = await replay({ path: folder, channel, flacWorkerMinBytes: false });
      const got = await replay({ path: folder, channel, flacWorkerMinBytes: 0 });
      expect(want.workers).toBe(0);
      expect(got.workers).toBe(1);
      expect(got.chunks.length).toBe(want.chunks.length);
      expect(got.chunks.map((c) => [c.t0, c.seq, c.origin, c.samples.length])).toEqual(want.chunks.map((c) => [c.t0, c.seq, c.origin, c.samples.length]));
      for (let i = 0; i < want.chunks.length; i++) {
        const a = got.chunks[i].samples, b = want.chunks[i].samples;
        let bad = -1;
        for (let k = 0; k < b.length; k++) if (a[k] !== b[k]) { bad = k; break; }
        expect(bad, `chunk ${i} first differs at sample ${bad}`).toBe(-1);
      }
      // the damaged file's silence and the truncated file's note (and the gaps), word for word
      expect(want.reports.filter((e) => e.type === 'error').length).toBe(2);
      expect(got.reports).toEqual(want.reports);
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
});
