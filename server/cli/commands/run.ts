import type { Command } from 'commander';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../../config/load.ts';
import type { Config } from '../../../config/schema.ts';
import { stationSchema } from '../../../config/schema.ts';
import { startServer } from '../../app.ts';
import { openClipWriter } from '../../clips/writer.ts';
import { startMonitor } from '../../monitor.ts';
import { openStationSource } from '../../station-source.ts';
import { openStore } from '../../store/open.ts';
import { featureConfigOf } from '../run-station.ts';
import { stateLines } from '../state-lines.ts';
import { loadModelOption } from '../load-model.ts';
import { parseSpeed } from '../parse.ts';

export const DEFAULT_CONFIG = new URL('../../../config/default.yaml', import.meta.url).pathname;

export function register(program: Command): void {
  program
    .command('run')
    .description('run every station of the config with the dashboard (npm start)')
    .option('--config <path>', 'stations file (YAML)', DEFAULT_CONFIG)
    .option('--port <port>', 'dashboard port (or PORT)')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1; elsewhere a token is required)')
    .option('--replay <path>', 'add a station replaying this file or folder as live input')
    .option('--speed <speed>', 'pace of --replay: 1, N or max', '1')
    .option('--influx <url>', 'store detections in InfluxDB, e.g. http://127.0.0.1:8086/hydromon (or HYDROMON_INFLUX_URL)')
    .option('--model <dir>', 'model folder (default: the shipped model)')
    .option('--no-model', 'run without classification')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const cfg: Config = loadConfig(String(o.config));
      if (o.port !== undefined) cfg.server.port = Number(o.port);
      if (typeof o.host === 'string') cfg.server.host = o.host;
      if (typeof o.influx === 'string') cfg.store.influx = o.influx;
      if (typeof o.replay === 'string') {
        cfg.stations.push(stationSchema.parse({ id: 'replay', name: `Replay of ${o.replay}`, source: resolve(o.replay), speed: parseSpeed(String(o.speed)) }));
      }
      const model = await loadModelOption(typeof o.model === 'string' ? o.model : o.model === false ? false : cfg.model);
      mkdirSync(cfg.store.dataDir, { recursive: true });
      const store = openStore({ influxUrl: cfg.store.influx, dataDir: cfg.store.dataDir, ...(cfg.store.retention ? { influx: { retention: cfg.store.retention } } : {}) });
      const clips = cfg.clips === false ? null : openClipWriter({ dir: cfg.clips.dir, preRollS: cfg.clips.preRollS, postRollS: cfg.clips.postRollS, maxAgeDays: cfg.clips.maxAgeDays, maxBytes: cfg.clips.maxBytes });
      const monitor = startMonitor({
        config: cfg,
        store,
        model,
        featureConfig: featureConfigOf(model),
        openSource: openStationSource,
        clips,
        clipsDir: cfg.clips === false ? null : cfg.clips.dir,
      });
      // Station states on the console too (waiting for files, stalled, down, faulted), once each time one is entered.
      const stateLine = stateLines();
      monitor.status$.subscribe((s) => {
        const line = stateLine(s);
        if (line !== null) process.stderr.write(`hydromon: ${line}\n`);
      });
      const { app, url } = await startServer(monitor, {
        host: cfg.server.host,
        port: cfg.server.port,
        token: cfg.server.token,
        ...(cfg.clips === false ? {} : { clipPostRollS: cfg.clips.postRollS }),
      });
      const where = cfg.store.influx ? `InfluxDB ${new URL(cfg.store.influx).origin}${new URL(cfg.store.influx).pathname}` : `embedded store in ${cfg.store.dataDir}`;
      process.stderr.write(
        `hydromon: ${monitor.stations().length} stations, model ${model?.name ?? 'none'}, ${where}\n` +
          `hydromon: dashboard at ${url}${existsSync(new URL('../../../client/dist/index.html', import.meta.url)) ? '' : ' (client not built: npm run build:client)'}\n`,
      );
      let stopping = false;
      const stop = async (): Promise<void> => {
        if (stopping) return;
        stopping = true;
        process.stderr.write('hydromon: stopping (flushing detections)…\n');
        await app.close();
        await monitor.stop();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
    });
}
