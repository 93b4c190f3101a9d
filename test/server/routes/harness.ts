// Shared set-up for route tests: the real app on a FakeMonitor backed by the real embedded store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../../server/app.ts';
import { createEmbeddedStore } from '../../../server/store/embedded.ts';
import type { Detection } from '../../../streams/types.ts';
import { FakeMonitor, type FakeStation } from '../../helpers/fake-monitor.ts';

export interface Harness {
  readonly app: FastifyInstance;
  readonly monitor: FakeMonitor;
  readonly dir: string;
  close(): Promise<void>;
}

export async function harness(stations: FakeStation[] = [{ id: 'lab' }, { id: 'bay' }], opts: BuildAppOptions & { clipsDir?: string | null } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'hydromon-routes-'));
  const store = createEmbeddedStore({ dir: join(dir, 'store'), batch: { maxDelayMs: 5 } });
  const monitor = new FakeMonitor(stations, { store, clipsDir: opts.clipsDir ?? null });
  const app = await buildApp(monitor, { clientDir: join(dir, 'no-client'), ...opts });
  return {
    app, monitor, dir,
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const T0 = Date.UTC(2026, 5, 1, 10, 0, 0); // 2026-06-01T10:00:00Z

export function det(i: number, over: Partial<Detection> = {}): Detection {
  return {
    id: `d${i}`, station: 'lab', species: 'Orcinus orca', confidence: 0.9,
    start: T0 + i * 60_000, end: T0 + i * 60_000 + 1500, model: 'test', ...over,
  };
}
