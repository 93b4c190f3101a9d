// The bench runner's table: each bench's rows carry the date that bench was measured, and a
// partial run recovers the dates of the benches it does not re-run from the table it rewrites.
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measuredDates, resultsTable } from '../../bench/run.ts';

const fig = (median: number, unit = 'x') => ({ median, min: median - 1, max: median + 1, runs: 3, unit });

describe('bench runner table', () => {
  it('gives every row its own bench date, and reads the dates back per bench', () => {
    const results = { pipeline: { replay_x: fig(900), decode_x: fig(3000) }, memory: { heap_mb: fig(6.8, 'MB | per station') } };
    const table = resultsTable(results, { pipeline: '2026-11-24T08:10:11.000Z', memory: '2026-11-24T07:23:45.508Z' });
    const rows = table.split('\n').slice(2);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^\| pipeline \| replay_x \| 900 \| 899 – 901 \| x \| 3 \| 2026-11-24T08:10 \|$/);
    expect(rows[1].endsWith('| 2026-11-24T08:10 |')).toBe(true);
    // the date is read from the end of the row: a '|' inside a unit does not shift it
    expect(measuredDates(table)).toEqual({ pipeline: '2026-11-24T08:10', memory: '2026-11-24T07:23' });
  });

  it('a bench with no known date says so instead of taking the run date', () => {
    const table = resultsTable({ store: { writes_per_s: fig(5000) } }, {});
    expect(table).toContain('| unknown |');
    expect(measuredDates(table)).toEqual({});
  });

  it('reads the dates of the committed RESULTS.md, one per bench, and importing the runner runs nothing', async () => {
    const { readFileSync } = await import('node:fs');
    const path = new URL('../../bench/RESULTS.md', import.meta.url);
    const before = statSync(path).mtimeMs;
    const dates = measuredDates(readFileSync(path, 'utf8'));
    expect(Object.keys(dates).length).toBeGreaterThan(0);
    for (const d of Object.values(dates)) expect(d).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect(statSync(path).mtimeMs).toBe(before);
  });
});
