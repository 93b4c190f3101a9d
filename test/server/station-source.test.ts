// A station's config reaches its source: waitPollS from the YAML decides how an empty archive
// folder behaves (waits and polls at that interval, or is an error at speed 'max' without it).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import type { StationConfig } from '../../config/schema.ts';
import { openStationSource } from '../../server/station-source.ts';
import type { SourceEvent } from '../../streams/types.ts';
import { tone, writeWav } from '../helpers/signals.ts';

const tmp: string[] = [];
afterAll(() => { for (const d of tmp) rmSync(d, { recursive: true, force: true }); });

/** A config file next to an empty ./rec folder; returns the loaded station and the folder. */
function stationFrom(extra: string): { st: StationConfig; rec: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hm-station-source-'));
  tmp.push(dir);
  const rec = join(dir, 'rec');
  mkdirSync(rec);
  const file = join(dir, 'stations.yaml');
  writeFileSync(file, `stations:\n  - id: arch\n    source: ./rec\n    speed: max\n${extra}`);
  const st = loadConfig(file, {}).stations[0];
  return { st, rec };
}

describe('openStationSource', () => {
  it('passes waitPollS from the YAML to an archive: an empty folder waits, polls at that pace and plays what appears', async () => {
    const { st, rec } = stationFrom('    waitPollS: 0.05\n');
    expect(st.waitPollS).toBe(0.05);
    const events: SourceEvent[] = [];
    const done = firstValueFrom(openStationSource(st, { station: st.id, report: (e) => events.push(e) }).pipe(toArray()));
    let failed: unknown;
    done.catch((e: unknown) => { failed = e; }); // awaited below; seen here to stop waiting early
    // Wait for the source to say it is waiting before the file appears.
    const t0 = Date.now();
    while (!events.some((e) => e.type === 'status' && e.state === 'waiting') && failed === undefined && Date.now() - t0 < 5000) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(failed).toBeUndefined();
    const waiting = events.find((e) => e.type === 'status' && e.state === 'waiting');
    expect(waiting?.type === 'status' ? waiting.message : undefined).toMatch(/looking every 0\.05 s/);
    const appearedAt = Date.now();
    writeWav(join(rec, 'a.wav'), tone(440, 1, 8000), 8000);
    const chunks = await done;
    // Found on the next 50 ms look, not the 5 s default (and speed 'max' would have failed at once).
    expect(Date.now() - appearedAt).toBeLessThan(2000);
    expect(chunks.reduce((n, c) => n + c.samples.length, 0)).toBe(8000);
    expect(events.some((e) => e.type === 'status' && e.state === 'live')).toBe(true);
  });

  it('without waitPollS an empty folder at speed max is an error naming the folder', async () => {
    const { st, rec } = stationFrom('');
    expect(st.waitPollS).toBeUndefined();
    await expect(firstValueFrom(openStationSource(st, { station: st.id }).pipe(toArray()))).rejects.toThrow(rec);
  });
});
