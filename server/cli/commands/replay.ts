import type { Command } from 'commander';
import { archiveSource } from '../../../streams/sources/archive.ts';
import { loadModelOption } from '../load-model.ts';
import { runStation } from '../run-station.ts';
import { parseSpeed } from '../parse.ts';
import { openStore } from '../../store/open.ts';
import type { DetectionStore } from '../../store/types.ts';

export function register(program: Command): void {
  program
    .command('replay')
    .description('replay a recording (or a folder of them, in time order) as live input and print one line per detection')
    .argument('<path>', 'an audio file (WAV, FLAC, or any format ffmpeg reads), or a folder of them')
    .option('--speed <speed>', '1 = real time, N = N× real time, max = as fast as the pipeline goes', 'max')
    .option('--json', 'one JSON object per line')
    .option('--windows', 'print every window and event (with its top species), not only detections')
    .option('--events', 'also cut energy events (variable-length calls), not only sliding windows')
    .option('--window <seconds>', 'sliding window length (0 = none)', '2')
    .option('--hop <seconds>', 'sliding window hop', '1')
    .option('--min-confidence <p>', 'drop detections below this confidence', '0')
    .option('--station <id>', 'station id to report', 'replay')
    .option('--loop', 'start again at the end')
    .option('--model <dir>', 'model folder (default: the shipped model)')
    .option('--no-model', 'no classification: print windows only')
    .option('--influx <url>', 'also store detections in InfluxDB, e.g. http://127.0.0.1:8086/hydromon (or HYDROMON_INFLUX_URL; credentials from HYDROMON_INFLUX_USER/PASSWORD)')
    .option('--store', 'also store detections in the embedded store (--data) when no InfluxDB is given')
    .option('--data <dir>', 'data folder (embedded store, InfluxDB spool)', './data')
    .action(async (path: string, o: Record<string, string | boolean | undefined>) => {
      const model = await loadModelOption(o.model as string | boolean | undefined);
      const speed = parseSpeed(String(o.speed));
      const influx = typeof o.influx === 'string' ? o.influx : process.env.HYDROMON_INFLUX_URL || undefined;
      const store: DetectionStore | null = influx || o.store ? openStore({ influxUrl: influx, dataDir: String(o.data) }) : null;
      await runStation({
        station: String(o.station),
        // At max speed every block is decoded into the same buffers (a fresh 960 KB array per 5 s
        // block cost more than decoding it); nothing here keeps samples without copying them.
        source: (ctx) => archiveSource({ station: ctx.station, path, speed, loop: Boolean(o.loop), report: ctx.report, recycle: speed === 'max' }),
        model,
        json: Boolean(o.json),
        windows: Boolean(o.windows),
        events: Boolean(o.events),
        slidingS: Number(o.window),
        hopS: Number(o.hop),
        minConfidence: Number(o.minConfidence),
        restart: false,
        ...(store ? { onDetection: (d) => store.writeDetections([d]) } : {}),
      });
      await store?.close();
      model?.dispose?.();
    });
}
