// The monitor stopped mid-replay — killed outright (SIGKILL of a real process, twice) or stopped
// gracefully (in-process) — then started again on the same data and clip folders, replaying the
// same recording to its end. Afterwards: every detection of the replay is stored exactly once
// (the ids are deterministic, so the store is idempotent on them), every stored detection's clip
// exists and is a valid WAV of the expected length, no clip file is without its detection, and
// everything a killed monitor had announced as stored was on disk when it died.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFeatureConfig as cfg } from '../../models/feature-config.ts';
import { INDEX_FILE, readClipIndex } from '../../server/clips/clip-index.ts';
import { openClipWriter } from '../../server/clips/writer.ts';
import { startMonitor } from '../../server/monitor.ts';
import { openStationSource } from '../../server/station-source.ts';
import { createEmbeddedStore } from '../../server/store/embedded.ts';
import { decodeWav } from '../../server/wav-decode.ts';
import { detectionId } from '../../streams/detection.ts';
import type { Detection } from '../../streams/types.ts';
import { BURST_T0, DEFAULT_SHAPE, burstClassifier, expectedWindows, stationsConfig, until, writeBurstWav, type BurstShape } from './burst-harness.ts';
import type { ChildOptions } from './monitor-child.ts';

const SHAPE: BurstShape = { ...DEFAULT_SHAPE, sampleRate: 16_000, seconds: 40 };
const N = 2;
const SPEED = 20;
const root = mkdtempSync(join(tmpdir(), 'hm-faults-restart-'));
let wav = '';
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(() => {
  wav = writeBurstWav(join(root, 'rec'), SHAPE);
});

const stationIds = Array.from({ length: N }, (_, i) => `st${String(i).padStart(3, '0')}`);

/** The ids a full replay must store: deterministic from station, window, species and model. */
function expectedIds(): Set<string> {
  const out = new Set<string>();
  for (const st of stationIds) {
    for (const [s, e] of expectedWindows(SHAPE.seconds, SHAPE)) out.add(detectionId(st, BURST_T0 + s, BURST_T0 + e, 'Tone', 'level-test'));
  }
  return out;
}

async function storedDetections(dataDir: string): Promise<Detection[]> {
  const store = createEmbeddedStore({ dir: dataDir });
  try {
    return await store.queryDetections({ from: 0, to: Date.UTC(2030, 0, 1) });
  } finally {
    await store.close();
  }
}

function filesEnding(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(ext)) out.push(relative(dir, join(e.parentPath, e.name)));
  }
  return out.sort();
}

/** Everything the brief asks of the folders after the final, complete run. */
async function checkFolders(dataDir: string, clipsDir: string): Promise<void> {
  const stored = await storedDetections(dataDir);
  const ids = stored.map((d) => d.id);
  expect(new Set(ids).size).toBe(ids.length); // each once
  expect(new Set(ids)).toEqual(expectedIds()); // exactly the replay's detections
  // Every stored detection has its clip, a WAV of pre-roll + 2 s window + post-roll.
  for (const d of stored) {
    expect(d.clip, `detection ${d.id} has no clip`).toBeTypeOf('string');
    const wavBytes = readFileSync(join(clipsDir, d.clip ?? ''));
    const w = decodeWav(new Uint8Array(wavBytes), d.clip);
    expect(w.sampleRate).toBe(SHAPE.sampleRate);
    expect(w.samples.length / w.sampleRate).toBeCloseTo(4, 2);
  }
  // No clip file without a detection, and the clip index names only files that exist.
  const clipsOfDetections = new Set(stored.map((d) => d.clip));
  const files = filesEnding(clipsDir, '.wav');
  // A clip torn by the kill stays under <name>.wav.tmp; the re-run writes and renames the same one.
  expect(filesEnding(clipsDir, '.tmp')).toEqual([]);
  expect(files.filter((f) => !clipsOfDetections.has(f))).toEqual([]);
  expect(files.length).toBe(stored.length);
  const index = readClipIndex(clipsDir);
  expect([...index.keys()].filter((rel) => !files.includes(rel))).toEqual([]);
  expect(readdirSync(clipsDir)).toContain(INDEX_FILE);
}

interface Child {
  readonly proc: ChildProcess;
  readonly stored: Map<string, string>; // id → clip
  readonly exited: Promise<number | null>;
  done: boolean;
}

function spawnMonitor(o: ChildOptions): Child {
  const script = fileURLToPath(new URL('./monitor-child.ts', import.meta.url));
  const proc = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(o)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const child: Child = {
    proc,
    stored: new Map(),
    exited: new Promise((r) => proc.on('exit', (code) => r(code))),
    done: false,
  };
  let err = '';
  proc.stderr?.on('data', (b: Buffer) => { err += b.toString(); });
  proc.on('exit', (code, sig) => { if (code !== 0 && sig !== 'SIGKILL') process.stderr.write(`monitor child exited ${code}: ${err}\n`); });
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const [what, , id, clip] = line.split(' ');
    if (what === 'stored') child.stored.set(id, clip);
    if (what === 'done') child.done = true;
  });
  return child;
}

describe('monitor restarted mid-replay', () => {
  it('killed twice (SIGKILL) and started again: every detection stored once, every clip valid and owned', async () => {
    const dataDir = join(root, 'crash', 'data');
    const clipsDir = join(root, 'crash', 'clips');
    const opts: ChildOptions = { wav, shape: SHAPE, n: N, speed: SPEED, dataDir, clipsDir };
    const total = expectedIds().size;
    for (const killAfter of [3, 9]) {
      const c = spawnMonitor(opts);
      await until(`${killAfter} detections stored`, () => c.stored.size >= killAfter || c.done, 30_000);
      c.proc.kill('SIGKILL');
      await c.exited;
      expect(c.done, 'the replay ended before the kill: nothing was tested').toBe(false);
      expect(c.stored.size).toBeLessThan(total);
      // What the monitor announced as stored survived the crash, with its clip.
      const onDisk = new Map((await storedDetections(dataDir)).map((d) => [d.id, d]));
      for (const [id, clip] of c.stored) {
        expect(onDisk.has(id), `announced detection ${id} lost in the crash`).toBe(true);
        if (clip !== '-') expect(() => decodeWav(new Uint8Array(readFileSync(join(clipsDir, clip))), clip)).not.toThrow();
      }
    }
    const last = spawnMonitor(opts);
    expect(await last.exited).toBe(0);
    expect(last.done).toBe(true);
    expect(last.stored.size).toBe(total); // the replay re-detects everything; the store keeps each once
    await checkFolders(dataDir, clipsDir);
  }, 90_000);

  it('stopped gracefully mid-replay (in-process) and started again: the same guarantees', async () => {
    const dataDir = join(root, 'graceful', 'data');
    const clipsDir = join(root, 'graceful', 'clips');
    const model = await burstClassifier(SHAPE);
    const open = () => {
      const m = startMonitor({
        config: stationsConfig({ n: N, source: wav, speed: SPEED, clips: { dir: clipsDir, preRollS: 1, postRollS: 1 } }),
        store: createEmbeddedStore({ dir: dataDir }),
        model,
        featureConfig: cfg,
        openSource: openStationSource,
        clips: openClipWriter({ dir: clipsDir, preRollS: 1, postRollS: 1 }),
        clipsDir,
        log: () => undefined,
      });
      const seen: Detection[] = [];
      // Counted once stored with its clip (the feed also sees it at once, before the store).
      m.detections$.subscribe((d) => {
        if (d.clip) seen.push(d);
      });
      return { m, seen };
    };
    const first = open();
    await until('4 detections', () => first.seen.length >= 4, 30_000);
    await first.m.stop();
    const kept = await storedDetections(dataDir);
    expect(kept.length).toBeGreaterThanOrEqual(first.seen.length);
    expect(kept.length).toBeLessThan(expectedIds().size);
    const second = open();
    await second.m.ended;
    await second.m.stop();
    await checkFolders(dataDir, clipsDir);
  }, 60_000);
});
