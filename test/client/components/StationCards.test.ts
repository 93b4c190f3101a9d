import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import StationCards from '../../../client/src/lib/components/StationCards.svelte';
import type { StationInfo } from '../../../server/monitor-types.ts';
import type { Detection, SourceState } from '../../../streams/types.ts';

const st = (id: string, state: SourceState, rmsDb: number | null, lagS: number, message?: string): StationInfo => ({
  id, name: id.toUpperCase(), source: `x://${id}`, kind: 'test',
  status: { station: id, state, rmsDb, lagS, gapS: 0, samples: 0, at: 0, ...(message ? { message } : {}) },
});

describe('StationCards', () => {
  const stations = [st('lab', 'live', -31.26, 0.4), st('bay', 'down', null, 0, 'connection refused'), st('pier', 'faulted', -80, 120)];
  const detections: Detection[] = [
    { id: '2', station: 'lab', species: 'Orcinus orca', confidence: 0.91, start: 95_000, end: 96_000, model: 'm' },
    { id: '1', station: 'lab', species: 'Megaptera novaeangliae', confidence: 0.6, start: 10_000, end: 11_000, model: 'm' },
  ];

  it('shows each station\'s state (as text and colour class), level, lag and last detection', () => {
    render(StationCards, { stations, detections, now: 100_000 });
    const cards = screen.getAllByTestId('station-card');
    expect(cards.map((c) => c.getAttribute('data-station'))).toEqual(['lab', 'bay', 'pier']);
    expect(cards.map((c) => c.querySelector('[data-testid="station-state"]')?.textContent)).toEqual(['live', 'down', 'faulted']);
    expect(cards[0].classList.contains('live')).toBe(true);
    expect(cards[1].classList.contains('down')).toBe(true);
    expect(cards[0].querySelector('[data-testid="station-level"]')?.textContent).toBe('-31.3 dBFS');
    expect(cards[1].querySelector('[data-testid="station-level"]')?.textContent).toBe('—');
    expect(cards[2].querySelector('[data-testid="station-lag"]')?.textContent).toBe('120 s');
    // Newest detection of the station, with its age.
    expect(cards[0].querySelector('[data-testid="station-last"]')?.textContent).toBe('Orcinus orca 91% · 5s ago');
    expect(cards[1].querySelector('[data-testid="station-last"]')?.textContent).toBe('none yet');
    expect(cards[1].textContent).toContain('connection refused');
  });

  it('shows how far a paced replay is behind its schedule, only for stations that report it', () => {
    const paced = (id: string, behindS: number): StationInfo => {
      const s = st(id, 'live', -40, 0.01);
      return { ...s, status: { ...s.status, behindS } };
    };
    render(StationCards, { stations: [paced('slow', 12.4), paced('ok', 0), st('live', 'live', -40, 0.01)], detections: [] });
    const cards = screen.getAllByTestId('station-card');
    const behind = cards.map((c) => c.querySelector('[data-testid="station-behind"]'));
    expect(behind[0]?.textContent).toBe('12 s');
    expect(behind[0]?.classList.contains('behind')).toBe(true); // highlighted
    expect(behind[1]?.textContent).toBe('0.0 s');
    expect(behind[1]?.classList.contains('behind')).toBe(false);
    expect(behind[2]).toBeNull(); // not paced: no row at all
  });

  it('marks the selected station and reports clicks', async () => {
    const picked: string[] = [];
    render(StationCards, { stations, detections, selected: 'bay', onselect: (id: string) => picked.push(id) });
    expect(screen.getAllByTestId('station-card').map((c) => c.getAttribute('aria-pressed'))).toEqual(['false', 'true', 'false']);
    await fireEvent.click(screen.getAllByTestId('station-card')[2]);
    expect(picked).toEqual(['pier']);
  });
});
