import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, utimesSync, readdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { archiveSource, type ArchiveSourceOptions } from '../../../streams/sources/archive.ts';
import type { PcmChunk, SourceEvent } from '../../../streams/types.ts';
import { tone, chirp, noise, mix, writeWav, quantise16 } from '../../helpers/signals.ts';
import { dataRoot as sharedData } from '../../../models/paths.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'archive-test-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const sr = 8000;
const T = (s: string): number => Date.parse(s);

function replay(opts: Partial<ArchiveSourceOptions> & { path: string }): Promise<{ chunks: PcmChunk[]; events: SourceEvent[] }> {
  const events: SourceEvent[] = [];
  return lastValueFrom(
    archiveSource({ station: 'st', speed: 'max', report: (e) => events.push(e), ...opts }).pipe(toArray()),
  ).then((chunks) => ({ chunks, events }));
}

function cat(chunks: PcmChunk[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.samples.length, 0));
  let p = 0;
  for (const c of chunks) { out.set(c.samples, p); p += c.samples.length; }
  return out;
}

describe('archiveSource: one file', () => {
  it('chunks of chunkS, exact t0 from the name and sample counts, seq and origin', async () => {
    const x = mix(tone(440, 1.1, sr, 0.3), noise(1.1, sr, 0.05, 1));
    const path = writeWav(join(dir, 'ST1_20230601_120000.wav'), x, sr);
    const { chunks, events } = await replay({ path, chunkS: 0.5 });
    expect(chunks.map((c) => c.samples.length)).toEqual([4000, 4000, 800]);
    expect(chunks.map((c) => c.seq)).toEqual([0, 1, 2]);
    expect(chunks.map((c) => c.t0)).toEqual([0, 500, 1000].map((d) => T('2023-06-01T12:00:00Z') + d));
    expect(chunks.map((c) => c.origin)).toEqual([0, 0.5, 1].map((offsetS) => ({ file: path, offsetS })));
    expect(chunks.every((c) => c.station === 'st' && c.sampleRate === sr)).toBe(true);
    expect(Array.from(cat(chunks))).toEqual(Array.from(quantise16(x)));
    expect(events.filter((e) => e.type === 'status').map((e) => (e as { state: string }).state)).toEqual(['live', 'ended']);
  });

  it('t0 stays exact at awkward rates and chunk sizes (no accumulated error)', async () => {
    const rate = 44100;
    const path = writeWav(join(dir, 'odd_20230601_000000.wav'), tone(100, 3, rate), rate);
    const { chunks } = await replay({ path, chunkS: 0.1 });
    const start = T('2023-06-01T00:00:00Z');
    chunks.forEach((c, k) => expect(c.t0).toBe(start + (k * 4410 * 1000) / rate));
  });

  it("stereo: 'mix' averages, a channel index picks one, an index past the file's channels is reported", async () => {
    const l = tone(300, 0.5, sr, 0.5);
    const r = chirp(100, 2000, 0.5, sr, 0.25);
    const path = writeWav(join(dir, 'stereo_20230601_000000.wav'), [l, r], sr, 'float32');
    const m = cat((await replay({ path })).chunks);
    for (let i = 0; i < l.length; i += 97) expect(m[i]).toBeCloseTo((l[i] + r[i]) / 2, 6);
    expect(Array.from(cat((await replay({ path, channel: 1 })).chunks))).toEqual(Array.from(r));
    await expect(replay({ path, channel: 2 })).rejects.toThrow(/no playable file/);
    const events: SourceEvent[] = [];
    await lastValueFrom(archiveSource({ station: 's', path, speed: 'max', channel: 2, report: (e) => events.push(e) }).pipe(toArray())).catch(() => {});
    expect(events.some((e) => e.type === 'error' && /channel 2 requested but the file has 2/.test(e.message))).toBe(true);
  });

  it('NaN/Inf in a float file are replaced by 0 and reported with their count', async () => {
    const x = tone(200, 0.2, sr);
    x[10] = NaN; x[20] = Infinity;
    const path = writeWav(join(dir, 'nan_20230601_000000.wav'), x, sr, 'float32');
    const { chunks, events } = await replay({ path });
    const y = cat(chunks);
    expect(y[10]).toBe(0);
    expect(y.every(Number.isFinite)).toBe(true);
    expect(events.some((e) => e.type === 'error' && e.message.includes('2 NaN/Inf samples replaced by 0') && e.message.includes(path))).toBe(true);
  });
});

describe('archiveSource: a folder', () => {
  let folder: string;
  beforeAll(() => {
    folder = join(dir, 'folder');
    mkdirSync(folder);
    // Alphabetical order differs from time order on purpose.
    writeWav(join(folder, 'b_20230601_120000.wav'), tone(500, 1, sr), sr);
    writeWav(join(folder, 'a_20230601_120001.wav'), tone(700, 1, sr), sr, 'pcm24'); // contiguous
    const wav = writeWav(join(dir, 'tmp-for-flac.wav'), chirp(100, 3000, 1, sr), sr);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, join(folder, 'c_20230601_120005.flac')]); // 3 s gap
    writeFileSync(join(folder, 'bad_20230601_120003.wav'), new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3]));
    writeFileSync(join(folder, 'notes.txt'), 'not audio');
    writeFileSync(join(folder, '._b_20230601_120000.wav'), 'macOS resource fork'); // ignored, not reported
  });

  it('plays in time order, skips and reports the bad file, seq continues, t0 jumps at the gap', async () => {
    const { chunks, events } = await replay({ path: folder, chunkS: 0.5 });
    const files = chunks.map((c) => c.origin!.file.split('/').pop());
    expect(files).toEqual(['b_20230601_120000.wav', 'b_20230601_120000.wav', 'a_20230601_120001.wav', 'a_20230601_120001.wav',
      'c_20230601_120005.flac', 'c_20230601_120005.flac']);
    expect(chunks.map((c) => c.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    const base = T('2023-06-01T12:00:00Z');
    expect(chunks.map((c) => c.t0 - base)).toEqual([0, 500, 1000, 1500, 5000, 5500]);
    const errs = events.filter((e) => e.type === 'error');
    expect(errs.length).toBe(1);
    expect(errs[0].type === 'error' && errs[0].message).toMatch(/bad_20230601_120003\.wav: .*(too short|truncated)/);
    const gaps = events.filter((e) => e.type === 'gap');
    expect(gaps).toEqual([expect.objectContaining({ start: base + 2000, lengthS: 3 })]);
  });

  it('replaying twice gives identical chunks (the regression harness)', async () => {
    const a = (await replay({ path: folder, chunkS: 0.3 })).chunks;
    const b = (await replay({ path: folder, chunkS: 0.3 })).chunks;
    expect(b.length).toBe(a.length);
    a.forEach((c, i) => {
      expect(b[i].t0).toBe(c.t0);
      expect(b[i].seq).toBe(c.seq);
      expect(b[i].origin).toEqual(c.origin);
      expect(Buffer.from(b[i].samples.buffer).equals(Buffer.from(c.samples.buffer))).toBe(true);
    });
  });

  it('loop: after the last file it starts again with t0 continuing forward and seq counting on', async () => {
    const chunks = await firstValueFrom(
      archiveSource({ station: 's', path: folder, speed: 'max', loop: true, chunkS: 0.5, report: () => {} }).pipe(take(14), toArray()),
    );
    expect(chunks.map((c) => c.seq)).toEqual([...Array(14).keys()]);
    const base = T('2023-06-01T12:00:00Z');
    // Pass 1 ends at +6000 ms; pass 2 starts there and repeats the same layout.
    expect(chunks.map((c) => c.t0 - base)).toEqual([0, 500, 1000, 1500, 5000, 5500, 6000, 6500, 7000, 7500, 11000, 11500, 12000, 12500]);
    expect(Array.from(chunks[6].samples)).toEqual(Array.from(chunks[0].samples));
  });

  it('files without a time in their names: contiguous from config startTime, in mtime order', async () => {
    const f = join(dir, 'nostamp');
    mkdirSync(f);
    const p1 = writeWav(join(f, 'zz.wav'), tone(300, 0.5, sr), sr);
    const p2 = writeWav(join(f, 'aa.wav'), tone(600, 0.25, sr), sr);
    utimesSync(p1, new Date(1000_000), new Date(1000_000)); // zz first by mtime
    utimesSync(p2, new Date(2000_000), new Date(2000_000));
    const start = T('2020-01-01T00:00:00Z');
    const { chunks } = await replay({ path: f, startTime: start, chunkS: 0.25 });
    expect(chunks.map((c) => [c.origin!.file.split('/').pop(), c.t0 - start])).toEqual([['zz.wav', 0], ['zz.wav', 250], ['aa.wav', 500]]);
    // Without startTime the first file's mtime is used.
    const { chunks: c2 } = await replay({ path: f, chunkS: 0.25 });
    expect(c2[0].t0).toBe(1000_000);
    expect(c2[2].t0).toBe(1000_500);
  });
});

describe('archiveSource: pacing, cancellation, fatal errors', () => {
  it('speed 4 takes at least (audio − first chunk) / 4 of wall time', async () => {
    const path = writeWav(join(dir, 'paced_20230601_000000.wav'), tone(300, 0.4, sr), sr);
    const t0 = performance.now();
    const { chunks } = await replay({ path, speed: 4, chunkS: 0.1 });
    expect(chunks.length).toBe(4);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(0.3 / 4 * 1000 - 5);
  });

  it('unsubscribing mid-file stops reading and closes the file', async () => {
    const path = writeWav(join(dir, 'long_20230601_000000.wav'), noise(60, sr, 0.1, 5), sr);
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const before = existsSync('/proc/self/fd') ? fds() : 0;
    const got = await firstValueFrom(archiveSource({ station: 's', path, speed: 1, chunkS: 0.5 }).pipe(take(1), toArray()));
    expect(got.length).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    if (before) expect(fds()).toBeLessThanOrEqual(before);
  });

  it('a WAV cut short (recorder stopped mid-write) plays what it holds, and the cut is reported', async () => {
    const full = writeWav(join(dir, 'cut-src.wav'), tone(300, 1, sr), sr);
    const bytes = readFileSync(full);
    const path = join(dir, 'cut_20230601_000000.wav');
    writeFileSync(path, bytes.subarray(0, 44 + 2 * 6000 + 1)); // 6000 whole frames and a half
    const { chunks, events } = await replay({ path, chunkS: 0.25 });
    expect(cat(chunks).length).toBe(6000);
    expect(events.some((e) => e.type === 'error' && e.message.includes(path) && /truncated data chunk: header declares 16000 bytes, file holds 12001/.test(e.message))).toBe(true);
  });

  it('a FLAC with a damaged frame plays at full length with silence in the frame, and is reported', async () => {
    const wav = writeWav(join(dir, 'dmg-src.wav'), mix(tone(300, 1, sr, 0.3), noise(1, sr, 0.05, 8)), sr);
    const flac = join(dir, 'dmg_20230601_000000.flac');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-frame_size', '1024', flac]);
    const bytes = readFileSync(flac);
    bytes[Math.floor(bytes.length / 2)] ^= 0x40;
    writeFileSync(flac, bytes);
    const { chunks, events } = await replay({ path: flac, chunkS: 0.25 });
    expect(cat(chunks).length).toBe(sr);
    expect(chunks.map((c) => c.t0 - T('2023-06-01T00:00:00Z'))).toEqual([0, 250, 500, 750]);
    expect(events.some((e) => e.type === 'error' && /1024 samples \(0\.128 s\) in corrupt frames replaced by silence/.test(e.message))).toBe(true);
  });

  it('gate: an asynchronous consumer holds reading until it has room', async () => {
    const path = writeWav(join(dir, 'gated_20230601_000000.wav'), tone(300, 1, sr), sr);
    let credits = 2;
    let waiting: (() => void) | null = null;
    const gate = (): Promise<void> | void => {
      if (credits > 0) { credits--; return; }
      return new Promise<void>((r) => { waiting = r; });
    };
    const grant = (): void => {
      const w = waiting;
      waiting = null;
      if (w) w(); else credits++;
    };
    const got: PcmChunk[] = [];
    let completed = false;
    const sub = archiveSource({ station: 's', path, speed: 'max', chunkS: 0.1, gate })
      .subscribe({ next: (c) => got.push(c), complete: () => { completed = true; } });
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    const until = async (cond: () => boolean): Promise<void> => {
      for (let t = 0; t < 400 && !cond(); t++) await sleep(5);
    };
    await until(() => got.length >= 2);
    await sleep(50);
    expect(got.length).toBe(2); // held at the gate: nothing read ahead
    for (let k = 3; k <= 10; k++) {
      grant();
      await until(() => got.length >= k);
      expect(got.length).toBe(k);
    }
    grant(); // the read that finds the end of the file
    await until(() => completed);
    expect(completed).toBe(true);
    expect(got.length).toBe(10);
    sub.unsubscribe();
  });

  it('unsubscribing while held at a gate that never opens still closes the file', async () => {
    const path = writeWav(join(dir, 'stuck_20230601_000000.wav'), tone(300, 1, sr), sr);
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const before = existsSync('/proc/self/fd') ? fds() : 0;
    let calls = 0;
    const sub = archiveSource({ station: 's', path, speed: 'max', gate: () => { calls++; return new Promise<void>(() => {}); } }).subscribe();
    for (let t = 0; t < 200 && calls === 0; t++) await new Promise((r) => setTimeout(r, 5));
    expect(calls).toBe(1);
    if (before) expect(fds()).toBeGreaterThan(before); // the file is open, waiting
    sub.unsubscribe();
    await new Promise((r) => setTimeout(r, 50));
    if (before) expect(fds()).toBeLessThanOrEqual(before);
  });

  it('a missing path, an empty folder at speed max and bad options are errors', async () => {
    await expect(replay({ path: join(dir, 'nope') })).rejects.toThrow(/no such file or folder/);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expect(replay({ path: empty })).rejects.toThrow(/no audio files/);
    expect(() => archiveSource({ station: 's', path: empty, speed: 0 })).toThrow(/speed/);
    expect(() => archiveSource({ station: 's', path: empty, speed: 'max', chunkS: 0 })).toThrow(/chunkS/);
  });

  it('a reporter that throws does not stop the replay', async () => {
    const path = writeWav(join(dir, 'rep_20230601_000000.wav'), tone(300, 0.2, sr), sr);
    const chunks = await lastValueFrom(archiveSource({ station: 's', path, speed: 'max', report: () => { throw new Error('boom'); } }).pipe(toArray()));
    expect(chunks.length).toBe(1);
  });
});

const dataRoot = sharedData();
const narw = join(dataRoot, 'narw-dclde', 'narw');
const hasData = existsSync(narw);
if (!hasData) console.warn(`[skip] archive real-data test: ${narw} not found (set HYDROMON_DATA)`);

describe.skipIf(!hasData)('archiveSource on the NARW DCLDE recordings (HYDROMON_DATA)', () => {
  it('three 15-min files at 2 kHz: t0 from the names, ≈45 min in all', async () => {
    const events: SourceEvent[] = [];
    const firsts = new Map<string, number>();
    let samples = 0;
    let last: PcmChunk | null = null;
    let monotonic = true;
    await lastValueFrom(archiveSource({ station: 'narw', path: narw, speed: 'max', chunkS: 10, report: (e) => events.push(e) }).pipe(toArray())).then((cs) => {
      for (const c of cs) {
        const f = c.origin!.file.split('/').pop()!;
        if (!firsts.has(f)) firsts.set(f, c.t0);
        expect(c.sampleRate).toBe(2000);
        samples += c.samples.length;
        if (last && (c.seq !== last.seq + 1 || c.t0 <= last.t0)) monotonic = false;
        last = c;
      }
    });
    expect([...firsts.values()]).toEqual([
      T('2009-03-28T00:00:00Z'), T('2009-03-28T00:15:00Z'), T('2009-03-28T00:30:00Z'),
    ]);
    expect(monotonic).toBe(true);
    expect(samples / 2000 / 60).toBeGreaterThan(44.5);
    expect(samples / 2000 / 60).toBeLessThan(45.5);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('the GSC background folder: ISO-like names give 2000-05-19 00:00, 00:15, 00:30', async () => {
    const bg = join(dataRoot, 'narw-dclde', 'background');
    const cs = await lastValueFrom(archiveSource({ station: 'bg', path: bg, speed: 'max', chunkS: 60 }).pipe(toArray()));
    const firsts = cs.filter((c) => c.origin!.offsetS === 0).map((c) => c.t0);
    expect(firsts).toEqual([T('2000-05-19T00:00:00Z'), T('2000-05-19T00:15:00Z'), T('2000-05-19T00:30:00Z')]);
  });
});
