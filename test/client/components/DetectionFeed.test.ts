import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import DetectionFeed from '../../../client/src/lib/components/DetectionFeed.svelte';
import type { Detection } from '../../../streams/types.ts';

const d = (id: string, species: string, confidence: number, start: number): Detection =>
  ({ id, station: 'lab', species, confidence, start, end: start + 1000, model: 'm' });

const list = [
  d('a', 'Orcinus orca', 0.95, 5000),
  d('b', 'Megaptera novaeangliae', 0.7, 4000),
  d('c', 'Orcinus orca', 0.3, 3000),
  d('e', 'Delphinus delphis', 0.55, 1000),
];

const shownIds = () => screen.queryAllByTestId('feed-item').map((el) => el.getAttribute('data-id'));

describe('DetectionFeed', () => {
  it('lists detections at or above the default 50 % threshold, newest first as given', () => {
    render(DetectionFeed, { detections: list });
    expect(shownIds()).toEqual(['a', 'b', 'e']);
    expect(screen.getAllByTestId('feed-species-name').map((e) => e.textContent)).toEqual(['Orcinus orca', 'Megaptera novaeangliae', 'Delphinus delphis']);
    expect(screen.getAllByTestId('feed-confidence-value')[0].textContent).toBe('95%');
  });

  it('filters by species and by confidence', async () => {
    render(DetectionFeed, { detections: list });
    const select = screen.getByTestId('feed-species') as HTMLSelectElement;
    expect(Array.from(select.options, (o) => o.value)).toEqual(['', 'Delphinus delphis', 'Megaptera novaeangliae', 'Orcinus orca']);
    await fireEvent.change(select, { target: { value: 'Orcinus orca' } });
    expect(shownIds()).toEqual(['a']);
    await fireEvent.input(screen.getByTestId('feed-confidence'), { target: { value: '0.2' } });
    expect(shownIds()).toEqual(['a', 'c']);
    await fireEvent.change(select, { target: { value: 'Delphinus delphis' } });
    expect(shownIds()).toEqual(['e']);
    await fireEvent.input(screen.getByTestId('feed-confidence'), { target: { value: '0.6' } });
    expect(shownIds()).toEqual([]);
    expect(screen.getByTestId('feed-empty').textContent).toMatch(/match the filter/);
  });

  it('says when nothing matches, and reports clicks', async () => {
    const picked: string[] = [];
    const { rerender } = render(DetectionFeed, { detections: [], onselect: (x: Detection) => picked.push(x.id) });
    expect(screen.getByTestId('feed-empty').textContent).toMatch(/yet/);
    await rerender({ detections: list, onselect: (x: Detection) => picked.push(x.id) });
    await fireEvent.click(screen.getAllByTestId('feed-item')[1]);
    expect(picked).toEqual(['b']);
  });
});
