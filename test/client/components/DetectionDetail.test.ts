import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import AlertsPanel from '../../../client/src/lib/components/AlertsPanel.svelte';
import DetectionDetail from '../../../client/src/lib/components/DetectionDetail.svelte';
import type { Detection } from '../../../streams/types.ts';

const d: Detection = {
  id: 'lab/abc 1', station: 'lab', species: 'Orcinus orca', confidence: 0.87, start: Date.UTC(2026, 0, 2, 3, 4, 5),
  end: Date.UTC(2026, 0, 2, 3, 4, 7), model: 'tcn', clip: 'lab/x.wav', freqLowHz: 1200.4, freqHighHz: 5400,
};

describe('DetectionDetail', () => {
  afterEach(() => { history.replaceState(null, '', '/'); sessionStorage.clear(); });

  it('links the clip and its spectrogram by id and start time (and the token when there is one)', () => {
    history.replaceState(null, '', '/?token=s3cret');
    render(DetectionDetail, { detection: d });
    const audio = screen.getByTestId('detail-audio') as HTMLAudioElement;
    const url = new URL(audio.getAttribute('src')!, 'http://x');
    expect(url.pathname).toBe('/api/detections/lab%2Fabc%201/clip');
    expect(url.searchParams.get('t')).toBe(String(d.start));
    expect(url.searchParams.get('token')).toBe('s3cret');
    expect(new URL(screen.getByTestId('detail-spectrogram').getAttribute('src')!, 'http://x').pathname).toBe('/api/detections/lab%2Fabc%201/spectrogram.png');
    expect(screen.getByTestId('detail-species').textContent).toBe('Orcinus orca');
    expect(screen.getByTestId('detection-detail').textContent).toContain('2026-01-02 03:04:05Z · 2.0 s');
    expect(screen.getByTestId('detection-detail').textContent).toContain('1200–5400 Hz');
  });

  it('says when there is no clip, and closes', async () => {
    let closed = 0;
    render(DetectionDetail, { detection: { ...d, clip: undefined }, onclose: () => closed++ });
    expect(screen.queryByTestId('detail-audio')).toBeNull();
    expect(screen.getByTestId('detail-noclip')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('detail-close'));
    expect(closed).toBe(1);
  });
});

describe('AlertsPanel', () => {
  it('lists alerts and encounters and shows the rules on demand', async () => {
    render(AlertsPanel, {
      alerts: [{ id: 'a', kind: 'station', station: 'bay', message: 'bay is down for 5 min', at: 0 }],
      encounters: [{ id: 'e', station: 'lab', species: 'Orcinus orca', start: 0, end: 600_000, count: 12, peakConfidence: 0.97 }],
      rules: [{ species: 'Orcinus orca', minCount: 3 }],
    });
    expect(screen.getAllByTestId('alert-item')[0].textContent).toContain('bay is down for 5 min');
    expect(screen.getAllByTestId('encounter-item')[0].textContent).toContain('12× · peak 97% · 10 min');
    expect(screen.queryByTestId('alerts-rules')).toBeNull();
    await fireEvent.click(screen.getByTestId('alerts-rules-toggle'));
    expect(JSON.parse(screen.getByTestId('alerts-rules').textContent!)).toEqual([{ species: 'Orcinus orca', minCount: 3 }]);
  });
});
