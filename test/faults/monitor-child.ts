// A monitor in its own process, for fault tests that kill it: N stations replay the tone-burst
// recording through the real monitor with the level classifier, the embedded store and the clip
// writer, on the folders given. Prints `stored <station> <id> <clip>` once each detection is
// durable (the monitor's detections$ fires after the store's write resolved), and `done` after
// the replay ended and the monitor stopped. SIGTERM stops it gracefully.
//   node --import tsx test/faults/monitor-child.ts '<json ChildOptions>'
import { defaultFeatureConfig as cfg } from '../../models/feature-config.ts';
import { openClipWriter } from '../../server/clips/writer.ts';
import { startMonitor } from '../../server/monitor.ts';
import { openStationSource } from '../../server/station-source.ts';
import { createEmbeddedStore } from '../../server/store/embedded.ts';
import { burstClassifier, stationsConfig, type BurstShape } from './burst-harness.ts';

export interface ChildOptions {
  readonly wav: string;
  readonly shape: BurstShape;
  readonly n: number;
  readonly speed: number;
  readonly dataDir: string;
  readonly clipsDir: string;
}

const o = JSON.parse(process.argv[2] ?? '') as ChildOptions;
const model = await burstClassifier(o.shape);
const clips = openClipWriter({ dir: o.clipsDir, preRollS: 1, postRollS: 1 });
const monitor = startMonitor({
  config: stationsConfig({ n: o.n, source: o.wav, speed: o.speed, clips: { dir: o.clipsDir, preRollS: 1, postRollS: 1 } }),
  store: createEmbeddedStore({ dir: o.dataDir }),
  model,
  featureConfig: cfg,
  openSource: openStationSource,
  clips,
  clipsDir: o.clipsDir,
  log: (m) => process.stderr.write(`${m}\n`),
});
// The feed sees a detection at once and again, with its clip, once it is durably stored: only the
// second counts as "stored" here.
monitor.detections$.subscribe((d) => {
  if (d.clip) process.stdout.write(`stored ${d.station} ${d.id} ${d.clip}\n`);
});
process.stdout.write('started\n');
let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await monitor.stop();
  process.stdout.write('done\n');
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
await monitor.ended;
await stop();
