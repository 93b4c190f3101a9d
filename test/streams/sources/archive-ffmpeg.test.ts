// Archive replay of containers decoded by ffmpeg: picked up by extension, played like WAV, and a bad
// one reported and skipped without stopping the others.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import { archiveSource } from '../../../streams/sources/archive.ts';
import { listArchive, isAudioFileName } from '../../../streams/audio/archive-files.ts';
import type { PcmChunk, SourceEvent } from '../../../streams/types.ts';
import { tone, noise, rng, writeWav } from '../../helpers/signals.ts';

const hasFfmpeg = ['ffmpeg', 'ffprobe'].every((b) => spawnSync(b, ['-version']).status === 0);
const skipNote = hasFfmpeg ? '' : ' [skipped: ffmpeg/ffprobe not on PATH — install ffmpeg]';
if (!hasFfmpeg) console.warn(`[skip] archive ffmpeg tests:${skipNote}`);

const sr = 16000;
const T = (s: string): number => Date.parse(s);
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'archive-ffmpeg-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const encode = (wav: string, out: string, ...args: string[]): string => {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, ...args, out]);
  return out;
};

describe('archive listing', () => {
  it('picks up audio-only containers ffmpeg decodes, not video or text', async () => {
    const f = join(dir, 'list');
    mkdirSync(f);
    for (const n of ['a.mp3', 'b.ogg', 'c.OPUS', 'd.wav', 'e.m4a', 'f.aiff', 'g.mp4', 'h.webm', 'notes.txt', '.hidden.mp3']) writeFileSync(join(f, n), 'x');
    const names = (await listArchive(f)).map((x) => x.path.split('/').pop()).sort();
    expect(names).toEqual(['a.mp3', 'b.ogg', 'c.OPUS', 'd.wav', 'e.m4a', 'f.aiff']);
    for (const n of ['x.oga', 'x.aac', 'x.aif', 'x.aifc', 'x.caf', 'x.wv', 'x.mka', 'x.flac']) expect(isAudioFileName(n), n).toBe(true);
    for (const n of ['x.mkv', 'x.mov', 'x.m3u8', 'x.mp3.part']) expect(isAudioFileName(n), n).toBe(false);
  });
});

describe.skipIf(!hasFfmpeg)(`archive replay through ffmpeg${skipNote}`, () => {
  it('a folder with an MP3, a garbage .mp3 and a WAV: both good files play, the bad one is reported', async () => {
    const f = join(dir, 'replay');
    mkdirSync(f);
    const src = writeWav(join(dir, 'src.wav'), tone(440, 1, sr, 0.5), sr);
    encode(src, join(f, 'a_20230601_120000.mp3'), '-c:a', 'libmp3lame');
    const r = rng(3);
    writeFileSync(join(f, 'b_20230601_120001.mp3'), new Uint8Array(5000).map(() => Math.floor(r() * 256)));
    writeWav(join(f, 'c_20230601_120002.wav'), tone(900, 0.5, sr, 0.5), sr);
    const events: SourceEvent[] = [];
    const chunks: PcmChunk[] = await lastValueFrom(
      archiveSource({ station: 'st', path: f, speed: 'max', chunkS: 0.25, report: (e) => events.push(e) }).pipe(toArray()));
    const byFile = new Map<string, number>();
    const name = (c: PcmChunk): string => c.origin!.file.split('/').pop()!;
    for (const c of chunks) byFile.set(name(c), (byFile.get(name(c)) ?? 0) + c.samples.length);
    expect([...byFile.keys()]).toEqual(['a_20230601_120000.mp3', 'c_20230601_120002.wav']);
    expect(Math.abs(byFile.get('a_20230601_120000.mp3')! - sr)).toBeLessThan(0.06 * sr);
    expect(byFile.get('c_20230601_120002.wav')).toBe(sr / 2);
    expect(chunks[0].sampleRate).toBe(sr);
    expect(chunks.map((c) => c.seq)).toEqual([...chunks.keys()]);
    expect(chunks.find((c) => c.origin!.file.endsWith('.wav'))!.t0).toBe(T('2023-06-01T12:00:02Z'));
    const errs = events.filter((e) => e.type === 'error');
    expect(errs).toHaveLength(1);
    expect(errs[0].type === 'error' && errs[0].message).toMatch(/b_20230601_120001\.mp3: not a WAV or FLAC file \(starts with .*\); ffmpeg cannot read it/);
    expect(events.filter((e) => e.type === 'status').map((e) => (e as { state: string }).state)).toEqual(['live', 'ended']);
  });

  it('unsubscribing mid-MP3 leaves no ffmpeg running', async () => {
    const long = encode(writeWav(join(dir, 'long.wav'), noise(30, sr, 0.1, 2), sr), join(dir, 'long_20230601_000000.mp3'), '-c:a', 'libmp3lame');
    const running = (): number => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(long); } catch { return false; }
    }).length;
    const hasProc = existsSync('/proc/self/cmdline');
    let seen = -1;
    const got = await firstValueFrom(archiveSource({ station: 's', path: long, speed: 1, chunkS: 0.2 }).pipe(
      tap(() => { if (hasProc && seen < 0) seen = running(); }), take(2), toArray()));
    expect(got.length).toBe(2);
    if (!hasProc) return;
    expect(seen).toBe(1); // the decoder was running mid-file
    for (let i = 0; i < 50 && running() > 0; i++) await new Promise((res) => setTimeout(res, 20));
    expect(running()).toBe(0);
  });
});
