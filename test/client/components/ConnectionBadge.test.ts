import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ConnectionBadge from '../../../client/src/lib/components/ConnectionBadge.svelte';

describe('ConnectionBadge', () => {
  it('says live, connecting, or reconnecting with the attempt number', async () => {
    const { rerender } = render(ConnectionBadge, { state: 'connecting' });
    const el = screen.getByTestId('connection-state');
    expect(el.textContent).toBe('connecting…');
    await rerender({ state: 'reconnecting', attempt: 3 });
    expect(el.textContent).toBe('reconnecting… (try 3)');
    expect(el.getAttribute('data-state')).toBe('reconnecting');
    await rerender({ state: 'live', attempt: 0 });
    expect(el.textContent).toBe('live');
  });
});
