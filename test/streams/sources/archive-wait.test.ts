// A fresh install's archive folder is empty: the station waits for files instead of faulting, and
// replays them once they are dropped in.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFeatureConfig as cfg } from '../../../models/feature-config.ts';
import { initDsp } from '../../../streams/dsp/fft.ts';
import { archiveSource } from '../../../streams/sources/archive.ts';
import { stationPipeline, type StationEvent } from '../../../streams/station.ts';
import type { SourceEvent, StationStatus, Window } from '../../../streams/types.ts';
import { tone, writeWav } from '../../helpers/signals.ts';

const SR = 16_000;
let root: string;
beforeAll(async () => {
  await initDsp();
  root = mkdtempSync(join(tmpdir(), 'hm-archive-wait-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  for (const t0 = Date.now(); !cond() && Date.now() - t0 < ms;) await sleep(10);
}

describe('archiveSource: a folder with no recordings yet', () => {
  it("reports 'waiting' (not a fault), then replays a WAV dropped in: windows carry its timestamps", async () => {
    const folder = join(root, 'archive');
    mkdirSync(folder);
    writeFileSync(join(folder, 'README.txt'), 'drop recordings here\n'); // not audio: still nothing to play
    const statuses: StationStatus[] = [];
    const windows: Window[] = [];
    let failed: unknown = null;
    let ended = false;
    const sub = stationPipeline({
      station: 'archive',
      source: (ctx) => archiveSource({ station: ctx.station, path: folder, speed: 50, waitPollS: 0.05, report: ctx.report }),
      featureConfig: cfg,
      sliding: { durationS: 2, hopS: 1, minTailShare: 1 }, // whole windows only
      model: null,
      restart: false,
    }).subscribe({
      next: (e: StationEvent) => {
        if (e.type === 'status') statuses.push(e.status);
        else if (e.type === 'result') windows.push(e.result.window);
      },
      error: (err: unknown) => { failed = err; },
      complete: () => { ended = true; },
    });
    try {
      await until(() => statuses.some((s) => s.state === 'waiting'));
      await sleep(300); // several polls of the still-empty folder
      expect(failed).toBeNull();
      expect(statuses.map((s) => s.state)).not.toContain('faulted');
      const waiting = statuses.at(-1)!;
      expect(waiting.state).toBe('waiting');
      expect(waiting.message).toContain(folder);
      expect(windows).toEqual([]);

      const start = Date.UTC(2024, 2, 15, 12, 0, 0);
      writeWav(join(folder, 'lab_20240315_120000.wav'), tone(800, 4, SR, 0.3), SR);
      await until(() => ended || failed !== null);
      expect(failed).toBeNull();
      expect(ended).toBe(true);
      // 4 s of audio, 2 s windows every 1 s: starts at 0, 1, 2 s after the file's time.
      expect(windows.map((w) => w.start - start)).toEqual([0, 1000, 2000]);
      expect(windows.every((w) => w.end - w.start === 2000)).toBe(true);
      const states = statuses.map((s) => s.state);
      expect(states.indexOf('live')).toBeGreaterThan(states.indexOf('waiting'));
      expect(states).not.toContain('faulted');
    } finally {
      sub.unsubscribe();
    }
  });

  it('a folder that does not exist is still an error naming the path, paced or not', async () => {
    const missing = join(root, 'no-such-folder');
    for (const speed of [1, 'max'] as const) {
      const events: SourceEvent[] = [];
      await expect(lastValueFrom(archiveSource({ station: 's', path: missing, speed, report: (e) => events.push(e) }).pipe(toArray())))
        .rejects.toThrow(`archive ${missing}: no such file or folder`);
      expect(events.some((e) => e.type === 'status' && e.state === 'faulted' && e.message?.includes(missing))).toBe(true);
    }
  });

  it('unsubscribing while waiting stops polling; a folder removed while waiting is an error naming it', async () => {
    const a = join(root, 'a');
    mkdirSync(a);
    const got: number[] = [];
    const sub = archiveSource({ station: 's', path: a, speed: 1, waitPollS: 0.02 }).subscribe((c) => got.push(c.seq));
    await sleep(60);
    sub.unsubscribe();
    writeWav(join(a, 'x_20240101_000000.wav'), tone(300, 0.5, SR), SR);
    await sleep(150);
    expect(got).toEqual([]);

    const b = join(root, 'b');
    mkdirSync(b);
    const p = lastValueFrom(archiveSource({ station: 's', path: b, speed: 1, waitPollS: 0.02 }));
    await sleep(50);
    rmSync(b, { recursive: true });
    await expect(p).rejects.toThrow(`archive ${b}: no such file or folder`);
  });

  it("at speed 'max' (a batch replay) an empty folder is an error at once, and waitPollS is checked", () => {
    const c = join(root, 'c');
    mkdirSync(c);
    expect(() => archiveSource({ station: 's', path: c, speed: 1, waitPollS: 0 })).toThrow(/waitPollS/);
    return expect(lastValueFrom(archiveSource({ station: 's', path: c, speed: 'max' }))).rejects.toThrow(/no audio files/);
  });
});
