import { describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { formatMetrics } from '../../server/metrics.ts';
import { FakeMonitor } from '../helpers/fake-monitor.ts';

const empty = { windowsProcessed: {}, detections: {}, lagS: {}, queueDepth: {}, reconnects: {} };

describe('Prometheus metrics: hydromon_behind_seconds', () => {
  it('is a gauge per station that reports it', () => {
    const text = formatMetrics(empty, undefined, { archive: 12.5, slow: 0 });
    expect(text).toContain('# TYPE hydromon_behind_seconds gauge\nhydromon_behind_seconds{station="archive"} 12.5\nhydromon_behind_seconds{station="slow"} 0\n');
    expect(formatMetrics(empty)).not.toContain('hydromon_behind_seconds{');
  });

  it('/metrics takes it from the stations\' status: paced ones only', async () => {
    const m = new FakeMonitor([{ id: 'archive' }, { id: 'lab' }]);
    const app = await buildApp(m);
    m.pushStatus({ station: 'archive', state: 'live', rmsDb: -40, lagS: 0.01, behindS: 7.25, gapS: 0, samples: 1000, at: Date.now() });
    m.pushStatus({ station: 'lab', state: 'live', rmsDb: -40, lagS: 0.01, gapS: 0, samples: 1000, at: Date.now() });
    const body = (await app.inject('/metrics')).body;
    expect(body).toContain('hydromon_behind_seconds{station="archive"} 7.25\n');
    expect(body).not.toContain('hydromon_behind_seconds{station="lab"}');
    await app.close();
  });
});
