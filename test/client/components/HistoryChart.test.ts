import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import HistoryChart from '../../../client/src/lib/components/HistoryChart.svelte';
import { hourlySeries } from '../../../client/src/lib/hourly.ts';

const H = 3_600_000;
const T = Date.UTC(2026, 0, 1);

describe('HistoryChart', () => {
  const rows = [
    { hour: T, station: 'lab', species: 'orca', count: 3 },
    { hour: T, station: 'bay', species: 'orca', count: 1 },
    { hour: T, station: 'lab', species: 'humpback', count: 2 },
    { hour: T + 5 * H, station: 'lab', species: 'humpback', count: 8 },
    { hour: T + 30 * H, station: 'lab', species: 'orca', count: 99 }, // outside the range: ignored
  ];

  it('buckets counts per hour and species (stations summed)', () => {
    const s = hourlySeries(rows, T, T + 6 * H);
    expect(s.buckets).toHaveLength(6);
    expect(s.species).toEqual(['humpback', 'orca']);
    expect(s.buckets[0].counts.get('orca')).toBe(4);
    expect(s.buckets[0].total).toBe(6);
    expect(s.buckets[5].total).toBe(8);
    expect(s.max).toBe(8);
  });

  it('draws one stacked bar segment per hour and species, taller for larger counts', () => {
    render(HistoryChart, { rows, from: T, to: T + 6 * H });
    const bars = screen.getAllByTestId('history-bar');
    expect(bars.map((b) => [b.getAttribute('data-species'), b.getAttribute('data-count'), Number(b.getAttribute('data-hour')) - T])).toEqual([
      ['humpback', '2', 0], ['orca', '4', 0], ['humpback', '8', 5 * H],
    ]);
    const h = (i: number) => Number(bars[i].getAttribute('height'));
    expect(h(2)).toBeCloseTo(h(0) * 4, 0);
    // Stacked: orca sits on top of humpback in the same hour.
    expect(Number(bars[1].getAttribute('y')) + h(1)).toBeCloseTo(Number(bars[0].getAttribute('y')), 5);
    expect(screen.getByTestId('history-chart').getAttribute('data-total')).toBe('14');
  });

  it('says so when the range is empty', () => {
    render(HistoryChart, { rows: [], from: T, to: T + 24 * H });
    expect(screen.queryAllByTestId('history-bar')).toHaveLength(0);
    expect(screen.getByTestId('history-empty').textContent).toMatch(/No detections/);
  });
});
