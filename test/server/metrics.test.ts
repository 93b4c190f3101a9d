import { describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { formatMetrics } from '../../server/metrics.ts';
import { FakeMonitor } from '../helpers/fake-monitor.ts';

describe('Prometheus metrics', () => {
  it('formats one family per counter with escaped station labels', () => {
    const text = formatMetrics({
      windowsProcessed: { lab: 120, 'odd"name\\x': 3 }, detections: { lab: 4 }, lagS: { lab: 0.25 }, queueDepth: { lab: 0 }, reconnects: { lab: 2 },
    });
    expect(text).toContain('# TYPE hydromon_windows_processed_total counter\n');
    expect(text).toContain('hydromon_windows_processed_total{station="lab"} 120\n');
    expect(text).toContain('hydromon_windows_processed_total{station="odd\\"name\\\\x"} 3\n');
    expect(text).toContain('# TYPE hydromon_lag_seconds gauge\nhydromon_lag_seconds{station="lab"} 0.25\n');
    expect(text).toContain('hydromon_reconnects_total{station="lab"} 2\n');
    // Every sample line is "name{labels} value".
    for (const line of text.trim().split('\n').filter((l) => !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{station="(?:[^"\\]|\\.)*"\})? \S+$/);
  });

  it('serves the monitor\'s live numbers at /metrics', async () => {
    const m = new FakeMonitor([{ id: 'lab' }, { id: 'bay' }]);
    const app = await buildApp(m);
    await m.pushDetection({ id: 'a', station: 'bay', species: 's', confidence: 1, start: 0, end: 1, model: 'x' });
    m.metricsState.reconnects.lab = 7;
    const r = await app.inject('/metrics');
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(r.body).toContain('hydromon_detections_total{station="bay"} 1\n');
    expect(r.body).toContain('hydromon_reconnects_total{station="lab"} 7\n');
    expect(r.body).toContain('hydromon_ws_clients 0\n');
    await app.close();
  });
});
