// A real influxd for tests: one per test file, in its own temp dir, on 127.0.0.1 only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInfluxd, type Influxd } from '../../scripts/influxd.ts';

export type { Influxd };

export interface TestInfluxd extends Influxd {
  /** Start again on the same data dir and port (after stop or SIGKILL). */
  restart(): Promise<TestInfluxd>;
  /** Stop and delete the data dir. */
  dispose(): Promise<void>;
}

function wrap(d: Influxd, root: string, auth = false): TestInfluxd {
  return {
    ...d,
    stop: d.stop,
    async restart() {
      await d.stop();
      return wrap(await startInfluxd({ dir: d.dir, port: d.port, rpcPort: d.rpcPort, auth }), root, auth);
    },
    async dispose() {
      await d.stop('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function startTestInfluxd(opts: { auth?: boolean } = {}): Promise<TestInfluxd> {
  const root = mkdtempSync(join(tmpdir(), 'hydromon-influxd-'));
  return wrap(await startInfluxd({ dir: join(root, 'db'), auth: opts.auth === true }), root, opts.auth === true);
}
