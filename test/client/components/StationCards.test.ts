import { readFileSync } from 'node:fs';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { compile } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';
import StationCards from '../../../client/src/lib/components/StationCards.svelte';
import type { StationInfo } from '../../../server/monitor-types.ts';
import type { Detection, SourceState } from '../../../streams/types.ts';

const st = (id: string, state: SourceState, rmsDb: number | null, lagS: number, message?: string): StationInfo => ({
  id, name: id.toUpperCase(), source: `x://${id}`, kind: 'test',
  status: { station: id, state, rmsDb, lagS, gapS: 0, samples: 0, at: 0, ...(message ? { message } : {}) },
});

/** The rules of a stylesheet (Svelte's scoping classes removed), by selector. */
function rulesOf(css: string): Map<string, CSSStyleDeclaration> {
  const style = document.createElement('style');
  style.textContent = css.replace(/:where\(\.svelte-[a-z0-9]+\)|\.svelte-[a-z0-9]+/g, '');
  document.head.append(style);
  const out = new Map<string, CSSStyleDeclaration>();
  for (const r of Array.from(style.sheet?.cssRules ?? [])) if (r instanceof CSSStyleRule) out.set(r.selectorText, r.style);
  style.remove();
  return out;
}

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

  it("labels a 'waiting' station (archive folder with no files yet) \"waiting for files\", keeping the full message as a tooltip", () => {
    const full = 'waiting for audio files in /srv/archive (looking every 5 s)';
    render(StationCards, { stations: [st('arch', 'waiting', null, 0, full), st('quiet', 'waiting', null, 0), st('bay', 'down', null, 0, 'connection refused')], detections: [] });
    const cards = screen.getAllByTestId('station-card');
    expect(cards[0].classList.contains('waiting')).toBe(true);
    expect(cards[0].querySelector('[data-testid="station-state"]')?.textContent).toBe('waiting');
    const msg = cards[0].querySelector('[data-testid="station-message"]');
    expect(msg?.textContent).toBe('waiting for files');
    expect(msg?.getAttribute('title')).toBe(full);
    // Without a message from the source, the label is still there.
    expect(cards[1].querySelector('[data-testid="station-message"]')?.textContent).toBe('waiting for files');
    // Other states keep showing their own message.
    expect(cards[2].querySelector('[data-testid="station-message"]')?.textContent).toBe('connection refused');
  });

  it("styles 'waiting' in its own calm colour (dashed edge), not the fault or connecting colour", () => {
    const file = 'client/src/lib/components/StationCards.svelte';
    const own = rulesOf(compile(readFileSync(file, 'utf8'), { filename: file, css: 'external' }).css?.code ?? '');
    const palette = rulesOf(readFileSync('client/src/app.css', 'utf8')).get(':root');
    const card = own.get('.waiting');
    expect(card?.getPropertyValue('border-left-color')).toBe('var(--waiting)');
    expect(card?.getPropertyValue('border-left-style')).toBe('dashed');
    expect(own.get('.waiting .state')?.getPropertyValue('color')).toBe('var(--waiting)');
    const waiting = (own.get('.cards')?.getPropertyValue('--waiting') || palette?.getPropertyValue('--waiting') || '').trim().toLowerCase();
    expect(waiting).toMatch(/^#[0-9a-f]{6}$/);
    const others = ['--live', '--stalled', '--down', '--connecting', '--faulted', '--ended', '--accent'].map((v) => palette?.getPropertyValue(v).trim().toLowerCase());
    expect(others.every((c) => c !== undefined && /^#[0-9a-f]{6}$/.test(c))).toBe(true);
    expect(others).not.toContain(waiting);
  });

  it('marks the selected station and reports clicks', async () => {
    const picked: string[] = [];
    render(StationCards, { stations, detections, selected: 'bay', onselect: (id: string) => picked.push(id) });
    expect(screen.getAllByTestId('station-card').map((c) => c.getAttribute('aria-pressed'))).toEqual(['false', 'true', 'false']);
    await fireEvent.click(screen.getAllByTestId('station-card')[2]);
    expect(picked).toEqual(['pier']);
  });
});
