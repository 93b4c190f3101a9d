// Whole-replay speed of two checkouts in ONE process, passes alternating: the way to tell whether
// a change made replay faster on a host whose speed drifts (this shared VM's CPU time per pass
// moved by 1.5–2× within one evening, so figures measured an hour apart do not compare).
//   git worktree add /tmp/base <rev> && ln -s "$PWD/node_modules" /tmp/base/node_modules
//   node --import tsx bench/compare.ts /tmp/base .        (COMPARE_S seconds of 48 kHz, COMPARE_N passes)
// Prints each tree's best and median × real time (CPU time of the pass: decode → windows → MFCC →
// classify, each tree with its own shipped model) and the ratio of the medians.
import { lastValueFrom, count, type Observable } from 'rxjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeWav } from '../test/helpers/signals.ts';
import { signal } from './pipeline.ts';

interface Tree {
  readonly root: string;
  readonly once: (wav: string) => Promise<number>;
}

async function load(root: string): Promise<Tree> {
  const at = (p: string): string => pathToFileURL(join(root, p)).href;
  const fft = (await import(at('streams/dsp/fft.ts'))) as { initDsp(): Promise<unknown> };
  await fft.initDsp();
  const { stationPipeline } = (await import(at('streams/station.ts'))) as { stationPipeline(o: object): Observable<unknown> };
  const { archiveSource } = (await import(at('streams/sources/archive.ts'))) as { archiveSource(o: object): Observable<unknown> };
  const { defaultFeatureConfig } = (await import(at('models/feature-config.ts'))) as { defaultFeatureConfig: object };
  const { loadWindowClassifier, defaultModelDir } = (await import(at('models/classifier.ts'))) as { loadWindowClassifier(d: string): Promise<object>; defaultModelDir(): string };
  const model = await loadWindowClassifier(defaultModelDir());
  const once = (wav: string): Promise<number> =>
    lastValueFrom(
      stationPipeline({
        station: 'compare',
        source: (ctx: { station: string; report: unknown }) => archiveSource({ station: ctx.station, path: wav, speed: 'max', report: ctx.report, recycle: true }),
        featureConfig: defaultFeatureConfig,
        sliding: { durationS: 2, hopS: 1 },
        model,
        restart: false,
        statusEveryMs: 3_600_000,
      }).pipe(count()),
    );
  return { root, once };
}

const cpuS = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// A tool, not one of `npm run bench`'s benches: it runs only as a script (run.ts imports every
// file of bench/ and finds no run() here).
async function main(): Promise<void> {
  const [a, b] = process.argv.slice(2).map((p) => resolve(p));
  if (!a || !b) {
    process.stderr.write('usage: node --import tsx bench/compare.ts <tree A> <tree B>\n');
    process.exit(2);
  }
  const S = Number(process.env.COMPARE_S) || 600;
  const N = Number(process.env.COMPARE_N) || 8;
  const SR = 48_000;
  const trees = [await load(a), await load(b)];
  const sig = signal(S);
  const dir = mkdtempSync(join(tmpdir(), 'hm-compare-'));
  const wav = join(dir, 'compare.wav');
  writeWav(wav, sig, SR, 'pcm16');
  try {
    for (const t of trees) await t.once(wav); // warm-up: JIT and model
    const x = trees.map(() => [] as number[]);
    for (let r = 0; r < N; r++) {
      for (let i = 0; i < trees.length; i++) {
        const c = cpuS();
        await trees[i].once(wav);
        x[i].push(S / (cpuS() - c));
      }
    }
    const med = (v: number[]): number => [...v].sort((p, q) => p - q)[v.length >> 1];
    trees.forEach((t, i) => process.stdout.write(`${t.root}: median ${med(x[i]).toFixed(0)}× best ${Math.max(...x[i]).toFixed(0)}× (${x[i].map((v) => v.toFixed(0)).join(' ')})\n`));
    process.stdout.write(`B / A (medians): ${(med(x[1]) / med(x[0])).toFixed(2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
