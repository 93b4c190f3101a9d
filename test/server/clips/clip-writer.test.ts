import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, from, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../../streams/audio/wav.ts';
import type { Detection, PcmChunk } from '../../../streams/types.ts';
import { readClipIndex } from '../../../server/clips/clip-index.ts';
import { createClipWriter, type ClipProblem } from '../../../server/clips/clip-writer.ts';
import { withClips } from '../../../server/clips/with-clips.ts';

const SR = 8000;
const T0 = Date.UTC(2026, 10, 24, 3, 15, 0, 123);
const tmp: string[] = [];
afterAll(() => { for (const d of tmp) rmSync(d, { recursive: true, force: true }); });
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hydromon-clips-'));
  tmp.push(d);
  return d;
}

/** Sample n of the station's signal: a ramp we can recognise anywhere (value encodes index). */
const sig = (n: number): number => ((n % 4000) - 2000) / 4000;

/** 100 ms chunks covering [fromS, toS) after T0, optionally leaving out some. */
function chunks(fromS: number, toS: number, skip: (k: number) => boolean = () => false): PcmChunk[] {
  const out: PcmChunk[] = [];
  for (let k = Math.round(fromS * 10); k < Math.round(toS * 10); k++) {
    if (skip(k)) continue;
    const samples = new Float32Array(SR / 10).map((_, i) => sig(k * (SR / 10) + i));
    out.push({ station: 'Lab 1/..', sampleRate: SR, samples, t0: T0 + k * 100, seq: k });
  }
  return out;
}

const det = (startS: number, endS: number, over: Partial<Detection> = {}): Detection => ({
  id: `d${startS}`, station: 'Lab 1/..', species: 'orca', confidence: 0.9, model: 'm',
  start: T0 + startS * 1000, end: T0 + endS * 1000, ...over,
});

describe('ClipWriter', () => {
  it('saves the detection with its pre- and post-roll, sample-exact, named by station and UTC time', async () => {
    const root = dir();
    const w = createClipWriter({ root, preRollS: 1, postRollS: 0.5, format: 'float32' });
    for (const c of chunks(0, 10)) w.pushChunk(c);
    const d = await w.addDetection(det(5, 6));
    expect(d.clip).toBe('Lab_1_../2026-11-24/Lab_1_.._20261124T031505.123Z_orca.wav');
    const wav = parseWav(readFileSync(join(root, d.clip!)));
    expect(wav.sampleRate).toBe(SR);
    expect(wav.frames).toBe(2.5 * SR);
    const x = wav.channels[0];
    for (const i of [0, 1, 4000, 19_999]) expect(x[i]).toBe(Math.fround(sig(4 * SR + i)));
    expect([...readClipIndex(root).values()]).toEqual([{ rel: d.clip, station: 'Lab 1/..', species: 'orca', confidence: 0.9, start: T0 + 5000, bytes: readFileSync(join(root, d.clip!)).length }]);
  });

  it('waits for the post-roll to arrive before writing', async () => {
    const root = dir();
    const w = createClipWriter({ root, preRollS: 1, postRollS: 1 });
    const all = chunks(0, 10);
    for (const c of all.slice(0, 60)) w.pushChunk(c); // up to 6.0 s
    let done: Detection | undefined;
    const p = w.addDetection(det(5, 5.5)).then((d) => (done = d));
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBeUndefined(); // post-roll ends at 6.5 s
    expect(w.stats().pending).toBe(1);
    for (const c of all.slice(60, 65)) w.pushChunk(c);
    await p;
    expect(done?.clip).toMatch(/\.wav$/);
    expect(parseWav(readFileSync(join(root, done!.clip!))).frames).toBe(2.5 * SR);
  });

  it('writes what it has when the post-roll never comes (station went down), gaps as silence', async () => {
    const root = dir();
    const w = createClipWriter({ root, preRollS: 1, postRollS: 2, maxWaitS: 0.05, format: 'float32' });
    for (const c of chunks(0, 6, (k) => k === 45)) w.pushChunk(c); // a 100 ms hole at 4.5 s; audio ends at 6 s
    const d = await w.addDetection(det(5, 5.5));
    const x = parseWav(readFileSync(join(root, d.clip!))).channels[0];
    expect(x.length).toBe(3.5 * SR);
    expect(x.subarray(0.5 * SR, 0.6 * SR).every((v) => v === 0)).toBe(true); // the hole
    expect(x[0.6 * SR]).toBe(Math.fround(sig(4.6 * SR)));
    expect(x.subarray(2 * SR).every((v) => v === 0)).toBe(true); // never heard
  });

  it('skips (without clip) a detection whose audio is gone from the buffer', async () => {
    const problems: ClipProblem[] = [];
    const w = createClipWriter({ root: dir(), bufferS: 5, preRollS: 0, postRollS: 0, onProblem: (p) => problems.push(p) });
    for (const c of chunks(0, 20)) w.pushChunk(c);
    const d = await w.addDetection(det(1, 2));
    await w.addDetection(det(2, 3));
    expect(d.clip).toBeUndefined();
    expect(w.stats().skipped).toBe(2);
    expect(problems.map((p) => p.type)).toEqual(['late']); // told once, with what to change
    expect((problems[0] as { message: string }).message).toMatch(/18\.0 s after its audio.*bufferS/);
  });

  it('an unusable clip folder is reported once, detections keep flowing, and recovery is noticed', async () => {
    const base = dir();
    const root = join(base, 'clips');
    writeFileSync(root, 'a file where the folder should be');
    const problems: ClipProblem[] = [];
    const w = createClipWriter({ root, preRollS: 0, postRollS: 0, retryAfterS: 0.05, onProblem: (p) => problems.push(p) });
    for (const c of chunks(0, 10)) w.pushChunk(c);
    const out = await Promise.all([1, 2, 3, 4, 5].map((s) => w.addDetection(det(s, s + 0.5))));
    expect(out.map((d) => d.clip)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(problems.length).toBe(1);
    expect(problems[0].type).toBe('failing');
    expect((problems[0] as { message: string }).message).toContain(root);
    rmSync(root);
    mkdirSync(root);
    await new Promise((r) => setTimeout(r, 80));
    const ok = await w.addDetection(det(7, 7.5));
    expect(ok.clip).toBeDefined();
    expect(problems.map((p) => p.type)).toEqual(['failing', 'recovered']);
  });

  it('works as an RxJS operator over a detection stream', async () => {
    const root = dir();
    const w = createClipWriter({ root, preRollS: 0.2, postRollS: 0.2 });
    for (const c of chunks(0, 10)) w.pushChunk(c);
    const got = await lastValueFrom(from([det(1, 2), det(3, 4, { species: 'hump/back' })]).pipe(withClips(w), toArray()));
    expect(got.map((d) => d.clip?.split('/').pop()).sort()).toEqual(['Lab_1_.._20261124T031501.123Z_orca.wav', 'Lab_1_.._20261124T031503.123Z_hump_back.wav']);
    expect(got.every((d) => existsSync(join(root, d.clip!)))).toBe(true);
  });
});
